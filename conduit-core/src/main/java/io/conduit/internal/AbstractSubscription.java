package io.conduit.internal;

import io.conduit.ConduitException;
import io.conduit.Counters;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.MessageHandler;
import io.conduit.Subscription;

/**
 * What every transport's subscription shares: identity, the closed state, counters, and the guard that keeps
 * callers from polling a subscription a Conduit agent polls.
 */
public abstract class AbstractSubscription implements Subscription
{
    protected final int streamId;
    protected final Counters counters = new Counters();
    private volatile boolean closed;
    private volatile boolean agentPolled;

    protected AbstractSubscription(final int streamId)
    {
        this.streamId = streamId;
    }

    @Override
    public final int poll(final MessageHandler handler, final int messageLimit)
    {
        requirePolledByCaller();
        return pollByAgent(handler, messageLimit);
    }

    @Override
    public final int poll(final MessageHandler handler, final int messageLimit, final long timeoutNs)
    {
        requirePolledByCaller();
        requireOpen();
        return doPoll(handler, messageLimit, timeoutNs);
    }

    /**
     * Poll on behalf of the Conduit agent that owns this subscription.
     *
     * @param handler      for each message.
     * @param messageLimit most messages to deliver.
     * @return messages delivered.
     */
    public final int pollByAgent(final MessageHandler handler, final int messageLimit)
    {
        requireOpen();
        return doPoll(handler, messageLimit);
    }

    private void requirePolledByCaller()
    {
        if (agentPolled)
        {
            throw new IllegalStateException("subscription is polled by a Conduit agent: endpoint=" + endpoint() +
                ", streamId=" + streamId);
        }
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new ConduitException(ErrorCode.CLOSED, "subscription is closed: endpoint=" + endpoint() +
                ", streamId=" + streamId);
        }
    }

    /**
     * Hand polling to a Conduit agent; afterwards {@link #poll} is refused.
     */
    public final void markAgentPolled()
    {
        agentPolled = true;
    }

    /**
     * @param handler      for each message.
     * @param messageLimit most messages to deliver.
     * @return messages delivered.
     */
    protected abstract int doPoll(MessageHandler handler, int messageLimit);

    /**
     * @param handler      for each message.
     * @param messageLimit most messages to deliver.
     * @param timeoutNs    longest to wait for a first message.
     * @return messages delivered.
     */
    protected abstract int doPoll(MessageHandler handler, int messageLimit, long timeoutNs);

    /**
     * Release the transport's resources; called once.
     */
    protected abstract void onClose();

    @Override
    public abstract Endpoint endpoint();

    @Override
    public final int streamId()
    {
        return streamId;
    }

    @Override
    public final Counters counters()
    {
        return counters;
    }

    @Override
    public final boolean isClosed()
    {
        return closed;
    }

    @Override
    public final void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        onClose();
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{endpoint=" + endpoint() + ", streamId=" + streamId +
            ", connected=" + isConnected() + ", closed=" + closed + '}';
    }
}
