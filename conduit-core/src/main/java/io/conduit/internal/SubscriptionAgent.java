package io.conduit.internal;

import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Counter;
import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;

/**
 * The Conduit thread that polls callback subscriptions and calls their handlers.
 */
public final class SubscriptionAgent implements Runnable, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionAgent.class);
    private static final int MESSAGE_LIMIT = 64;

    private static final class Entry
    {
        final AbstractSubscription subscription;
        final MessageHandler handler;

        Entry(final AbstractSubscription subscription, final MessageHandler handler)
        {
            this.subscription = subscription;
            this.handler = handler;
        }
    }

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final IdleStrategy idleStrategy;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param idleStrategy used between polls that found nothing.
     * @param threadName   of the agent thread.
     */
    public SubscriptionAgent(final IdleStrategy idleStrategy, final String threadName)
    {
        this.idleStrategy = idleStrategy;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * @param subscription to poll from now on.
     * @param handler      to call for its messages.
     */
    public void add(final AbstractSubscription subscription, final MessageHandler handler)
    {
        subscription.markAgentPolled();
        entries.add(new Entry(subscription, handler));
    }

    @Override
    public void run()
    {
        while (running)
        {
            int work = 0;
            for (final Entry entry : entries)
            {
                if (entry.subscription.isClosed())
                {
                    entries.remove(entry);
                    continue;
                }
                try
                {
                    work += entry.subscription.pollByAgent(entry.handler, MESSAGE_LIMIT);
                }
                catch (final RuntimeException ex)
                {
                    if (!entry.subscription.isClosed())
                    {
                        entry.subscription.counters().increment(Counter.ERRORS);
                        LOG.warn("message handler failed: endpoint={}, streamId={}",
                            entry.subscription.endpoint(), entry.subscription.streamId(), ex);
                    }
                    work++;
                }
            }
            idleStrategy.idle(work);
        }
    }

    @Override
    public void close()
    {
        running = false;
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
