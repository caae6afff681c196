package io.conduit.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a scheduled send time. Parks while more than {@value #PARK_THRESHOLD_NS} ns remain, since a park can
 * overshoot by 100 us and more on a VM, and yields for the rest: sends go out on time at the cost of a busy thread
 * at high rates, which still lets other threads on its CPU run.
 */
final class Pacer
{
    static final long PARK_THRESHOLD_NS = 250_000;
    private static final long PARK_MARGIN_NS = 200_000;

    private Pacer()
    {
    }

    /**
     * @param deadlineNs {@link System#nanoTime()} to wait for.
     */
    static void awaitTime(final long deadlineNs)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0)
        {
            if (remainingNs > PARK_THRESHOLD_NS)
            {
                LockSupport.parkNanos(remainingNs - PARK_MARGIN_NS);
            }
            else
            {
                Thread.yield();
            }
        }
    }
}
