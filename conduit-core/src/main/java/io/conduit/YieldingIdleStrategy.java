package io.conduit;

/**
 * Calls {@link Thread#yield()}: low latency while letting other runnable threads on the same CPU go first.
 */
public final class YieldingIdleStrategy implements IdleStrategy
{
    /** The name used in URIs: {@code ?idle=yield}. */
    public static final String NAME = "yield";

    @Override
    public void idle()
    {
        Thread.yield();
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
