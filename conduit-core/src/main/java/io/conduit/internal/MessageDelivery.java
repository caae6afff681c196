package io.conduit.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.Header;
import io.conduit.MessageHandler;

/**
 * The last step of every subscription: count a message, record its latency when it carries a timestamp, and hand
 * it to the handler with a reused {@link Header}. Counts are kept here and added to the subscription's counters
 * by {@link #flushCounts()} once per poll. Not thread-safe: one poller per instance.
 */
public final class MessageDelivery
{
    private final int streamId;
    private final Counters counters;
    private final Header header = new Header();
    private long messages;
    private long bytes;

    /**
     * @param streamId of the subscription.
     * @param counters of the subscription.
     */
    public MessageDelivery(final int streamId, final Counters counters)
    {
        this.streamId = streamId;
        this.counters = counters;
    }

    /**
     * @param handler     to call.
     * @param buffer      holding the message; its limits are cleared and its order made big-endian first.
     * @param offset      of the message.
     * @param length      of the message.
     * @param sessionId   of its publisher.
     * @param sequence    of the message.
     * @param timestampNs stamped by its publisher, or 0.
     */
    public void deliver(
        final MessageHandler handler,
        final ByteBuffer buffer,
        final int offset,
        final int length,
        final int sessionId,
        final long sequence,
        final long timestampNs)
    {
        if (timestampNs != 0)
        {
            counters.recordLatencyNs(System.nanoTime() - timestampNs);
        }
        messages++;
        bytes += length;
        header.set(streamId, sessionId, sequence, timestampNs);
        buffer.clear().order(ByteOrder.BIG_ENDIAN);
        handler.onMessage(buffer, offset, length, header);
    }

    /**
     * Add what was delivered since the last flush to the subscription's counters; call at the end of each poll,
     * also when a handler threw.
     */
    public void flushCounts()
    {
        if (messages > 0)
        {
            counters.addOrdered(Counter.MESSAGES_RECEIVED, messages);
            counters.addOrdered(Counter.BYTES_RECEIVED, bytes);
            messages = 0;
            bytes = 0;
        }
    }
}
