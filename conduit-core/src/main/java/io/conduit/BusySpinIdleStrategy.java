package io.conduit;

/**
 * Spins with {@link Thread#onSpinWait()}: lowest latency, burns a whole core. Use with a CPU to spare.
 */
public final class BusySpinIdleStrategy implements IdleStrategy
{
    /** The name used in URIs: {@code ?idle=busy-spin}. */
    public static final String NAME = "busy-spin";

    @Override
    public void idle()
    {
        Thread.onSpinWait();
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String toString()
    {
        return NAME;
    }
}
