package io.conduit.cli;

import java.util.concurrent.TimeUnit;

import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;
import io.conduit.Subscription;

/**
 * How a CLI subscriber waits for messages: {@code block} (the default) sleeps in
 * {@link Subscription#poll(MessageHandler, int, long)} until the transport wakes it; an idle strategy name
 * ({@code busy-spin}, {@code yield}, {@code backoff}) polls and idles instead, for comparison.
 */
final class PollLoop
{
    /** The name of the blocking wait. */
    static final String BLOCK = "block";
    /** Names accepted, for help texts. */
    static final String NAMES = "block, busy-spin, yield or backoff";

    /** Longest single wait, so callers get to check their deadlines and stop signals. */
    private static final long WAIT_SLICE_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String name;
    private final IdleStrategy idle;

    private PollLoop(final String name, final IdleStrategy idle)
    {
        this.name = name;
        this.idle = idle;
    }

    /**
     * @param name {@code block} or an idle strategy name.
     * @return a poll loop for one thread.
     * @throws IllegalArgumentException naming an unknown choice.
     */
    static PollLoop of(final String name)
    {
        if (BLOCK.equals(name))
        {
            return new PollLoop(name, null);
        }
        try
        {
            return new PollLoop(name, IdleStrategy.fromName(name));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown idle strategy: idle=" + name + " (expected " + NAMES + ")");
        }
    }

    /**
     * Poll once, waiting a little when nothing arrives.
     *
     * @return messages delivered.
     */
    int poll(final Subscription subscription, final MessageHandler handler, final int limit)
    {
        if (idle == null)
        {
            return subscription.poll(handler, limit, WAIT_SLICE_NS);
        }
        final int delivered = subscription.poll(handler, limit);
        idle.idle(delivered);
        return delivered;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
