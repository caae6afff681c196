package io.conduit.rpc.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.conduit.ConduitException;
import io.conduit.Endpoint;
import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;
import io.conduit.Subscription;

/**
 * A daemon thread that polls one subscription and runs a periodic check. Without an {@code idle} option on the
 * endpoint it sleeps in the blocking poll until the transport wakes it; with one ({@code ?idle=busy-spin} for
 * the lowest latency) it polls with that idle strategy. When polling fails, such as when the subscription was
 * closed under it (its Conduit closing), it runs its stop action and ends. Given a role to share with callers
 * that poll the subscription themselves, it polls only while it holds the role and its work is wanted, and
 * otherwise parks between checks.
 */
final class StreamPoller implements AutoCloseable
{
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MESSAGE_LIMIT = 64;

    private final Subscription subscription;
    private final MessageHandler handler;
    private final Runnable check;
    private final Runnable onFailure;
    private final IdleStrategy idle;
    private final Thread thread;
    private final AtomicBoolean role;
    private final BooleanSupplier wanted;
    private volatile boolean running = true;
    private volatile boolean parked;

    StreamPoller(
        final Endpoint endpoint,
        final Subscription subscription,
        final MessageHandler handler,
        final Runnable check,
        final Runnable onFailure,
        final String name)
    {
        this(endpoint, subscription, handler, check, onFailure, name, null, null);
    }

    /**
     * @param role   held by whoever polls, when callers may poll the subscription too; null when only this
     *               thread polls.
     * @param wanted true while this thread should poll when the role is free; null with a null role.
     */
    StreamPoller(
        final Endpoint endpoint,
        final Subscription subscription,
        final MessageHandler handler,
        final Runnable check,
        final Runnable onFailure,
        final String name,
        final AtomicBoolean role,
        final BooleanSupplier wanted)
    {
        this.role = role;
        this.wanted = wanted;
        this.subscription = subscription;
        this.handler = handler;
        this.check = check;
        this.onFailure = onFailure;
        final String idleName = endpoint.option("idle", null);
        this.idle = idleName == null ? null : IdleStrategy.fromName(idleName);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run()
    {
        long nextCheckNs = System.nanoTime() + CHECK_INTERVAL_NS;
        try
        {
            while (running)
            {
                final int work;
                if (role == null)
                {
                    work = pollOnce();
                }
                else if (wanted.getAsBoolean() && role.compareAndSet(false, true))
                {
                    try
                    {
                        work = pollOnce();
                    }
                    finally
                    {
                        role.set(false);
                    }
                }
                else
                {
                    work = 0;
                    parked = true;
                    if (running && (!wanted.getAsBoolean() || role.get()))
                    {
                        LockSupport.parkNanos(this, CHECK_INTERVAL_NS);
                    }
                    parked = false;
                }
                final long nowNs = System.nanoTime();
                if (nowNs - nextCheckNs >= 0)
                {
                    nextCheckNs = nowNs + CHECK_INTERVAL_NS;
                    check.run();
                }
                if (idle != null)
                {
                    idle.idle(work);
                }
            }
        }
        catch (final ConduitException ex)
        {
            if (running)
            {
                running = false;
                onFailure.run();
            }
        }
    }

    private int pollOnce()
    {
        return idle == null ?
            subscription.poll(handler, MESSAGE_LIMIT, CHECK_INTERVAL_NS) :
            subscription.poll(handler, MESSAGE_LIMIT);
    }

    /**
     * Poll again soon if waiting for the role or for work: there is some.
     */
    void wake()
    {
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * @return the polling thread.
     */
    Thread thread()
    {
        return thread;
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
