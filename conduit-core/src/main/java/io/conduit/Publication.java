package io.conduit;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The sending side of a stream. Thread-safe: many threads may offer concurrently; messages from one thread
 * arrive in the order that thread offered them.
 * <p>
 * {@link #offer(ByteBuffer, int, int)} never blocks: it returns the new stream position (positive) when the
 * message was accepted, or one of the negative codes below. {@link #send(ByteBuffer, int, int, Duration)} wraps it
 * for callers who prefer to wait.
 */
public interface Publication extends AutoCloseable
{
    /** No subscriber is connected; nothing was sent. Try again later. */
    long NOT_CONNECTED = -1;
    /** A subscriber cannot keep up and the send window is full; nothing was sent. Try again soon. */
    long BACK_PRESSURED = -2;
    /** The publication is closed; nothing was sent and nothing will be. */
    long CLOSED = -4;
    /** The message is longer than {@link #maxMessageLength()}; nothing was sent. */
    long MAX_SIZE_EXCEEDED = -5;

    /**
     * @return the endpoint this publication sends to.
     */
    Endpoint endpoint();

    /**
     * @return the stream id.
     */
    int streamId();

    /**
     * @return this publication's session id, unique per publication, seen by subscribers in {@link Header}.
     */
    int sessionId();

    /**
     * @return the longest message {@code offer} accepts, in bytes.
     */
    int maxMessageLength();

    /**
     * @return true when at least one subscriber is connected.
     */
    boolean isConnected();

    /**
     * Offer a message without blocking.
     *
     * @param buffer holding the message; its position and limit are ignored and left unchanged.
     * @param offset at which the message starts.
     * @param length of the message in bytes.
     * @return the new position (positive), or {@link #NOT_CONNECTED}, {@link #BACK_PRESSURED}, {@link #CLOSED},
     * {@link #MAX_SIZE_EXCEEDED}.
     */
    long offer(ByteBuffer buffer, int offset, int length);

    /**
     * Offer a message without blocking.
     *
     * @param bytes  holding the message.
     * @param offset at which the message starts.
     * @param length of the message in bytes.
     * @return as for {@link #offer(ByteBuffer, int, int)}.
     */
    long offer(byte[] bytes, int offset, int length);

    /**
     * Offer a whole array without blocking.
     *
     * @param bytes the message.
     * @return as for {@link #offer(ByteBuffer, int, int)}.
     */
    default long offer(final byte[] bytes)
    {
        return offer(bytes, 0, bytes.length);
    }

    /**
     * Send a message, waiting while not connected or back-pressured. How long each send took to be accepted is
     * recorded in this publication's latency histogram ({@link Counters#latencyHistogram()}).
     *
     * @param buffer  holding the message.
     * @param offset  at which the message starts.
     * @param length  of the message in bytes.
     * @param timeout the longest to wait.
     * @return the new position.
     * @throws ConduitException with {@link ErrorCode#TIMED_OUT} when the timeout passes,
     *                          {@link ErrorCode#CLOSED} when closed, {@link ErrorCode#MESSAGE_TOO_LARGE}
     *                          when too long.
     */
    default long send(final ByteBuffer buffer, final int offset, final int length, final Duration timeout)
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + timeout.toNanos();
        final IdleStrategy idle = new BackoffIdleStrategy();
        while (true)
        {
            final long result = offer(buffer, offset, length);
            if (result > 0)
            {
                counters().recordLatencyNs(System.nanoTime() - startNs);
                return result;
            }
            Publications.throwIfFinal(this, result, length);
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new ConduitException(ErrorCode.TIMED_OUT, "send timed out: endpoint=" + endpoint() +
                    ", streamId=" + streamId() + ", timeoutMs=" + timeout.toMillis() + ", lastResult=" +
                    Publications.describe(result));
            }
            idle.idle();
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                throw new ConduitException(ErrorCode.TIMED_OUT, "send interrupted: endpoint=" + endpoint());
            }
        }
    }

    /**
     * Send a whole array, waiting while not connected or back-pressured.
     *
     * @param bytes   the message.
     * @param timeout the longest to wait.
     * @return the new position.
     * @throws ConduitException as for {@link #send(ByteBuffer, int, int, Duration)}.
     */
    default long send(final byte[] bytes, final Duration timeout)
    {
        return send(ByteBuffer.wrap(bytes), 0, bytes.length, timeout);
    }

    /**
     * @return counters for this publication, and the latency of its blocking sends: how long each took to be
     * accepted, waits for a subscriber and back-pressure included. Offers record none.
     */
    Counters counters();

    /**
     * @return true once {@link #close()} has been called.
     */
    boolean isClosed();

    /**
     * Stop sending and release resources. Idempotent. Messages already accepted are flushed on a best-effort
     * basis.
     */
    @Override
    void close();
}
