package io.conduit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

import io.conduit.internal.UnsafeAccess;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import sun.misc.Unsafe;

/**
 * Counts {@link Counter} events and records latencies for one publication, subscription or transport.
 * <p>
 * Incrementing is wait-free and allocation-free from any thread; reading is safe from any thread.
 */
public final class Counters
{
    private static final int COUNTER_COUNT = Counter.values().length;
    private static final int SLOT_STRIDE = 8;
    private static final long HIGHEST_TRACKABLE_NS = 3_600_000_000_000L;

    private static final Unsafe UNSAFE = UnsafeAccess.UNSAFE;
    private static final long LONG_ARRAY_BASE = UNSAFE.arrayBaseOffset(long[].class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    // Spread counters a cache line apart: they are written by different threads.
    private final long[] values = new long[COUNTER_COUNT * SLOT_STRIDE];
    private final Recorder latencyRecorder = new Recorder(HIGHEST_TRACKABLE_NS, 3);
    private final Histogram latencyTotal = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private Histogram latencyInterval;

    /**
     * @param counter to increment by one.
     */
    public void increment(final Counter counter)
    {
        VALUES.getAndAdd(values, counter.ordinal() * SLOT_STRIDE, 1L);
    }

    /**
     * @param counter to add to.
     * @param delta   to add.
     */
    public void add(final Counter counter, final long delta)
    {
        VALUES.getAndAdd(values, counter.ordinal() * SLOT_STRIDE, delta);
    }

    /**
     * Add from the one thread that writes this counter, such as the thread polling a subscription or offering
     * under a publication's lock: cheaper than {@link #add}, as it needs no atomic read-modify-write. Mixing it
     * with {@link #add} on the same counter loses updates.
     *
     * @param counter to add to.
     * @param delta   to add.
     */
    public void addOrdered(final Counter counter, final long delta)
    {
        // Unsafe, as this is on every offer's path: the array's bounds hold for every counter by construction.
        final long offset = LONG_ARRAY_BASE + (long)counter.ordinal() * SLOT_STRIDE * Long.BYTES;
        // The last write was this thread's, or happened before it (under the same lock): a plain read sees it.
        UNSAFE.putOrderedLong(values, offset, UNSAFE.getLong(values, offset) + delta);
    }

    /**
     * @param counter to read.
     * @return its current value.
     */
    public long get(final Counter counter)
    {
        return (long)VALUES.getVolatile(values, counter.ordinal() * SLOT_STRIDE);
    }

    /**
     * Record one latency sample; values beyond an hour are clamped.
     *
     * @param latencyNs to record.
     */
    public void recordLatencyNs(final long latencyNs)
    {
        latencyRecorder.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_NS));
    }

    /**
     * @return a copy of all latencies recorded so far, in nanoseconds.
     */
    public synchronized Histogram latencyHistogram()
    {
        latencyInterval = latencyRecorder.getIntervalHistogram(latencyInterval);
        latencyTotal.add(latencyInterval);
        return latencyTotal.copy();
    }

    /**
     * @return every counter with its current value.
     */
    public Map<Counter, Long> snapshot()
    {
        final Map<Counter, Long> snapshot = new EnumMap<>(Counter.class);
        for (final Counter counter : Counter.values())
        {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("Counters{");
        for (final Counter counter : Counter.values())
        {
            final long value = get(counter);
            if (value != 0)
            {
                sb.append(counter.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(value).append(", ");
            }
        }
        if (sb.charAt(sb.length() - 1) == ' ')
        {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
