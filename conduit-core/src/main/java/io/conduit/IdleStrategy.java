package io.conduit;

import java.util.Locale;

/**
 * What a polling thread does when a unit of work found nothing to do.
 * <p>
 * Call {@link #idle(int)} after every unit of work with the amount of work done; an implementation resets its
 * state when work was done and backs off when none was.
 */
public interface IdleStrategy
{
    /**
     * @param workCount how much work the last unit of work did; 0 means it found nothing.
     */
    default void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * Idle once, unconditionally.
     */
    void idle();

    /**
     * Forget any back-off state, as after work was done.
     */
    void reset();

    /**
     * Make an idle strategy from its name as used in URIs and system properties.
     *
     * @param name one of {@code busy-spin}, {@code yield}, {@code backoff}.
     * @return a new instance; idle strategies hold per-thread state and must not be shared between threads.
     * @throws IllegalArgumentException naming the unknown strategy.
     */
    static IdleStrategy fromName(final String name)
    {
        switch (name.toLowerCase(Locale.ROOT))
        {
            case BusySpinIdleStrategy.NAME:
                return new BusySpinIdleStrategy();
            case YieldingIdleStrategy.NAME:
                return new YieldingIdleStrategy();
            case BackoffIdleStrategy.NAME:
                return new BackoffIdleStrategy();
            default:
                throw new IllegalArgumentException(
                    "unknown idle strategy: idle=" + name + " (expected busy-spin, yield or backoff)");
        }
    }
}
