package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * One client-server pairing as the RPC layer sees it, whatever the transport: sends frames, names its peer, and
 * holds the calls in flight on it so that they end together when it closes.
 */
public abstract class RpcConnection
{
    private final Map<Long, Object> calls = new ConcurrentHashMap<>();

    /**
     * Send one frame. Thread-safe; frames from one thread leave in order.
     *
     * @param buffer holding the frame; not used after this returns.
     * @param offset of the frame.
     * @param length of the frame.
     * @return false when the connection is closed or the peer is gone: the frame was not sent.
     */
    public abstract boolean send(ByteBuffer buffer, int offset, int length);

    /**
     * @return the peer's verified certificate subject, or null without mutual TLS.
     */
    public abstract String peerIdentity();

    /**
     * @return the peer's address for messages and logs.
     */
    public abstract String peerAddress();

    /**
     * @return the stream this side receives replies on, written into its calls; 0 where the connection itself
     * carries replies (TCP).
     */
    public int replyStream()
    {
        return 0;
    }

    /**
     * @return true while frames can be sent.
     */
    public abstract boolean isOpen();

    /**
     * Close; the listener's {@code onClosed} follows. Idempotent.
     */
    public abstract void close();

    /**
     * Let a caller blocked for a reply on this connection receive it itself, saving the hand-off from a receiving
     * thread. Returns when the reply is in, at the deadline, when the connection closes, or at once when this
     * transport or the moment does not allow it (another thread is receiving): the caller then waits for the
     * reply as usual, and whoever receives delivers it. By default returns at once.
     *
     * @param reply      the caller's call.
     * @param deadlineNs by {@link System#nanoTime()} when the caller stops waiting.
     */
    void receive(final Future<?> reply, final long deadlineNs)
    {
    }

    /**
     * A call was sent whose reply no caller will {@link #receive} for: the transport must read it without one.
     * By default does nothing: the transport always reads.
     */
    void replyExpected()
    {
    }

    /**
     * @return the calls in flight on this connection by call id: client or server calls, by side.
     */
    final Map<Long, Object> calls()
    {
        return calls;
    }
}
