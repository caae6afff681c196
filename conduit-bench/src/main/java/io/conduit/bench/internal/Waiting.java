package io.conduit.bench.internal;

import io.conduit.IdleStrategy;

/**
 * The {@code --idle} choice: an idle strategy name; {@code block}, where Conduit's subscriptions sleep in
 * {@code Subscription.poll(handler, limit, timeoutNs)} until the transport wakes them; {@code inline}, where
 * Conduit's TCP subscriptions have no poller at all ({@code ?delivery=inline}: handlers run on the I/O thread); or
 * {@code poller}, where Conduit's TCP subscriptions read their sockets on the polling thread
 * ({@code ?delivery=poller}) and poll loops yield; or {@code poller-block}, where they read their sockets and sleep
 * on them in {@code Subscription.poll(handler, limit, timeoutNs)}. With these choices every other wait (the pacer,
 * retries) yields.
 */
public final class Waiting
{
    /** The name of the blocking choice. */
    public static final String BLOCK = "block";
    /** The name of the inline choice. */
    public static final String INLINE = "inline";
    /** The name of the choice where TCP subscriptions read their own sockets. */
    public static final String POLLER = "poller";
    /** The name of the choice where TCP subscriptions read their own sockets and block on them in {@code poll}. */
    public static final String POLLER_BLOCK = "poller-block";
    /** Longest single blocking poll, so loops get to check their stop conditions. */
    static final long BLOCK_SLICE_NS = 10_000_000L;

    private Waiting()
    {
    }

    /**
     * @param name {@code block} or an idle strategy name.
     * @return the idle strategy for waits other than polling a subscription.
     * @throws IllegalArgumentException naming an unknown choice.
     */
    public static IdleStrategy idleStrategy(final String name)
    {
        return IdleStrategy.fromName(isBlocking(name) || isInline(name) || isPoller(name) ? "yield" : name);
    }

    /**
     * @param name the {@code --idle} choice.
     * @return true when subscriptions should block rather than poll and idle.
     */
    public static boolean isBlocking(final String name)
    {
        return BLOCK.equals(name) || POLLER_BLOCK.equals(name);
    }

    /**
     * @param name the {@code --idle} choice.
     * @return true when Conduit's TCP handlers should run on the I/O thread.
     */
    public static boolean isInline(final String name)
    {
        return INLINE.equals(name);
    }

    /**
     * @param name the {@code --idle} choice.
     * @return true when Conduit's TCP subscriptions should read their sockets on the polling thread.
     */
    public static boolean isPoller(final String name)
    {
        return POLLER.equals(name) || POLLER_BLOCK.equals(name);
    }
}
