package io.conduit.internal.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.internal.AbstractPublication;

/**
 * A publication appending to a shared-memory log. Offers never block: a full log (its slowest live subscriber
 * a capacity behind) gives {@code BACK_PRESSURED}, no subscriber gives {@code NOT_CONNECTED}.
 */
final class ShmPublication extends AbstractPublication
{
    private static final VarHandle OFFER_LOCK;

    static
    {
        try
        {
            OFFER_LOCK = MethodHandles.lookup().findVarHandle(ShmPublication.class, "offerLock", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ShmTransport transport;
    private final MappedLog log;
    private final int slot;
    private final long owner;
    private final LogAppender appender;
    private final boolean timestamps;
    private final int maxFramedLength;
    private long sequence;
    @SuppressWarnings("unused")
    private volatile int offerLock;

    ShmPublication(
        final ShmTransport transport,
        final Endpoint endpoint,
        final int streamId,
        final int maxMessageLength,
        final int maxPayloadLength,
        final boolean timestamps,
        final MappedLog log,
        final int slot,
        final long owner)
    {
        super(endpoint, streamId, maxMessageLength);
        this.transport = transport;
        this.log = log;
        this.slot = slot;
        this.owner = owner;
        this.timestamps = timestamps;
        this.appender = new LogAppender(log.buffer(), log.cleaner(), slot, streamId, sessionId, maxPayloadLength);
        this.maxFramedLength = log.buffer().capacity() / 4;
        log.buffer().longRelease(slot + LogDescriptor.SLOT_SESSION_ID_OFFSET, sessionId);
    }

    MappedLog log()
    {
        return log;
    }

    int slot()
    {
        return slot;
    }

    long owner()
    {
        return owner;
    }

    /**
     * Copy the count of messages sent to this publication's slot, for {@code conduit stat}; called by the
     * conductor. A close racing this can leave one stale count in a slot given to another publisher, as it can a
     * stale heartbeat: that publisher's conductor overwrites both a tenth of the liveness timeout later.
     */
    void publishMessageCount()
    {
        if (!isClosed())
        {
            appender.publishMessageCount(counters().get(Counter.MESSAGES_SENT));
        }
    }

    /**
     * @return true while some subscriber's heartbeat is fresh. A subscriber that is stopped or dead but not yet
     * evicted does not count, though it may still hold offers back.
     */
    @Override
    public boolean isConnected()
    {
        return !isClosed() && log.slots().hasResponsiveSubscriber(System.currentTimeMillis());
    }

    /**
     * Offers take a spin lock of their own, one atomic operation instead of a monitor's two: contended only when
     * threads share this publication, and held for the length of one copy.
     */
    @Override
    protected long lockedOffer(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        while (!OFFER_LOCK.compareAndSet(this, 0, 1))
        {
            if (isClosed())
            {
                return CLOSED;
            }
            Thread.onSpinWait();
        }
        try
        {
            return count(doOffer(srcBuffer, srcArray, offset, length), length);
        }
        finally
        {
            OFFER_LOCK.setRelease(this, 0);
        }
    }

    /**
     * Runs under the offer lock, which {@link #onClose()} takes for good before the slot is released: an offer that
     * holds it appends to a slot that is still this publication's, even if {@code close()} has begun.
     */
    @Override
    protected long doOffer(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        if (appender.framedLength(length) > maxFramedLength)
        {
            return MAX_SIZE_EXCEEDED;
        }
        final long result = appender.append(
            srcBuffer, srcArray, offset, length, sequence, timestamps ? System.nanoTime() : 0);
        if (result > 0)
        {
            sequence++;
        }
        return result;
    }

    @Override
    protected void onClose()
    {
        // Wait out an offer in progress; later ones see the publication closed. The lock stays held.
        while (!OFFER_LOCK.compareAndSet(this, 0, 1))
        {
            Thread.onSpinWait();
        }
        transport.release(this);
    }
}
