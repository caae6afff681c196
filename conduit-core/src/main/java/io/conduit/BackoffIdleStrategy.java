package io.conduit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spins, then yields, then parks for doubling periods up to a maximum: the default, as it costs next to no CPU
 * when idle yet reacts within microseconds under load.
 */
public final class BackoffIdleStrategy implements IdleStrategy
{
    /** The name used in URIs: {@code ?idle=backoff}. */
    public static final String NAME = "backoff";

    /** Spins before yielding. */
    public static final int DEFAULT_MAX_SPINS = 10;
    /** Yields before parking. */
    public static final int DEFAULT_MAX_YIELDS = 5;
    /** First park period. */
    public static final long DEFAULT_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    /** Longest park period. */
    public static final long DEFAULT_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxSpins;
    private final int maxYields;
    private final long minParkNs;
    private final long maxParkNs;

    private int spins;
    private int yields;
    private long parkNs;

    /**
     * A strategy with the default limits.
     */
    public BackoffIdleStrategy()
    {
        this(DEFAULT_MAX_SPINS, DEFAULT_MAX_YIELDS, DEFAULT_MIN_PARK_NS, DEFAULT_MAX_PARK_NS);
    }

    /**
     * @param maxSpins  spins before yielding.
     * @param maxYields yields before parking.
     * @param minParkNs first park period.
     * @param maxParkNs longest park period.
     */
    public BackoffIdleStrategy(final int maxSpins, final int maxYields, final long minParkNs, final long maxParkNs)
    {
        if (maxSpins < 0 || maxYields < 0 || minParkNs < 1 || maxParkNs < minParkNs)
        {
            throw new IllegalArgumentException("invalid back-off: maxSpins=" + maxSpins + ", maxYields=" + maxYields +
                ", minParkNs=" + minParkNs + ", maxParkNs=" + maxParkNs);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.parkNs = minParkNs;
    }

    @Override
    public void idle()
    {
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < maxYields)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void reset()
    {
        spins = 0;
        yields = 0;
        parkNs = minParkNs;
    }

    @Override
    public String toString()
    {
        return NAME;
    }
}
