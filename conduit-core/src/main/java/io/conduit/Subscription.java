package io.conduit;

/**
 * The receiving side of a stream. Sees every message from every publication on its endpoint and stream, whole
 * and in per-publication order.
 * <p>
 * A subscription made with {@link Conduit#addSubscription(String, int)} is polled by its owner, one thread at a
 * time. One made with {@link Conduit#addSubscription(String, int, MessageHandler)} is polled by a Conduit agent
 * thread, and {@link #poll} refuses to be called on it.
 */
public interface Subscription extends AutoCloseable
{
    /**
     * @return the endpoint this subscription receives from; for a listener bound to port 0, the port chosen.
     */
    Endpoint endpoint();

    /**
     * @return the stream id.
     */
    int streamId();

    /**
     * Deliver waiting messages to a handler.
     *
     * @param handler      to call once per message.
     * @param messageLimit the most messages to deliver in this call.
     * @return the number of messages delivered; 0 when none were waiting.
     * @throws ConduitException with {@link ErrorCode#CLOSED} when closed.
     */
    int poll(MessageHandler handler, int messageLimit);

    /**
     * Deliver waiting messages, blocking until at least one arrives or the timeout passes. The calling thread
     * sleeps while it waits and is woken by the transport when a message arrives: no CPU is spent, and on a busy
     * machine a sleeping thread is woken sooner than a spinning one is scheduled.
     *
     * @param handler      to call once per message.
     * @param messageLimit the most messages to deliver in this call.
     * @param timeoutNs    the longest to wait, in nanoseconds.
     * @return the number of messages delivered; 0 when the timeout passed first.
     * @throws ConduitException with {@link ErrorCode#CLOSED} when closed.
     */
    int poll(MessageHandler handler, int messageLimit, long timeoutNs);

    /**
     * @return true when at least one publication is connected.
     */
    boolean isConnected();

    /**
     * @return counters and latency for this subscription; latency is recorded when publishers stamp messages.
     */
    Counters counters();

    /**
     * @return true once {@link #close()} has been called.
     */
    boolean isClosed();

    /**
     * Stop receiving and release resources. Idempotent.
     */
    @Override
    void close();
}
