package io.conduit.rpc.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;

/**
 * Deadlines, retries and reconnects on a timing wheel (Netty's {@link HashedWheelTimer}) that ticks every
 * {@value #TICK_MS} ms. Setting and cancelling a timer costs no thread wake-up, where a scheduled executor woke
 * its thread for every call's deadline: two context switches per call on a busy CPU. Timers fire up to a tick
 * late.
 */
final class WheelTimer implements AutoCloseable
{
    private static final long TICK_MS = 5;
    private static final int TICKS_PER_WHEEL = 512;

    private final HashedWheelTimer wheel;

    /**
     * @param threadName of the timer's daemon thread, started with the first timer.
     */
    WheelTimer(final String threadName)
    {
        this.wheel = new HashedWheelTimer(DaemonThreads.factory(threadName), TICK_MS, TimeUnit.MILLISECONDS,
            TICKS_PER_WHEEL);
    }

    /**
     * @param task    to run on the timer's thread.
     * @param delayNs from now.
     * @return the timer, to cancel; null when this timer is closed, in which case the task ran at once.
     */
    Timeout schedule(final Runnable task, final long delayNs)
    {
        try
        {
            return wheel.newTimeout(timeout -> task.run(), Math.max(0, delayNs), TimeUnit.NANOSECONDS);
        }
        catch (final IllegalStateException | RejectedExecutionException ex)
        {
            task.run();
            return null;
        }
    }

    @Override
    public void close()
    {
        wheel.stop();
    }
}
