package io.conduit.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.Endpoint;
import io.conduit.Publication;

/**
 * What every transport's publication shares: identity, the closed state, counters and the argument checks of
 * {@code offer}. Offers take the publication's lock, so {@link #doOffer} runs one at a time and messages from one
 * publication are numbered in the order they are accepted. Subclasses copy the message from exactly one of a
 * buffer or an array.
 */
public abstract class AbstractPublication implements Publication
{
    protected final Endpoint endpoint;
    protected final int streamId;
    protected final int sessionId;
    protected final int maxMessageLength;
    protected final Counters counters = new Counters();
    private volatile boolean closed;

    protected AbstractPublication(final Endpoint endpoint, final int streamId, final int maxMessageLength)
    {
        this.endpoint = endpoint;
        this.streamId = streamId;
        this.sessionId = newSessionId();
        this.maxMessageLength = maxMessageLength;
    }

    private static int newSessionId()
    {
        int id;
        do
        {
            id = ThreadLocalRandom.current().nextInt();
        }
        while (id == 0);
        return id;
    }

    @Override
    public final long offer(final ByteBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.limit() - length)
        {
            throw new IndexOutOfBoundsException(
                "message outside buffer: offset=" + offset + ", length=" + length + ", limit=" + buffer.limit());
        }
        return offerChecked(buffer, null, offset, length);
    }

    @Override
    public final long offer(final byte[] bytes, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > bytes.length - length)
        {
            throw new IndexOutOfBoundsException(
                "message outside array: offset=" + offset + ", length=" + length + ", arrayLength=" + bytes.length);
        }
        return offerChecked(null, bytes, offset, length);
    }

    private long offerChecked(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        if (closed)
        {
            return CLOSED;
        }
        if (length > maxMessageLength)
        {
            return MAX_SIZE_EXCEEDED;
        }
        return lockedOffer(srcBuffer, srcArray, offset, length);
    }

    /**
     * Run {@link #doOffer} with the publication's lock held, one offer at a time, and count the result. The lock
     * is this object's monitor, which {@link #close()} takes too; a transport with a cheaper lock overrides this
     * and excludes offers in its {@link #onClose()}.
     *
     * @param srcBuffer holding the message, or null when {@code srcArray} does.
     * @param srcArray  holding the message, or null when {@code srcBuffer} does.
     * @param offset    of the message.
     * @param length    of the message.
     * @return the new position, or a negative code of {@link Publication}.
     */
    protected long lockedOffer(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        synchronized (this)
        {
            return count(doOffer(srcBuffer, srcArray, offset, length), length);
        }
    }

    /**
     * Count an offer's result; called with the offer lock held.
     *
     * @param result of {@link #doOffer}.
     * @param length of the message.
     * @return {@code result}.
     */
    protected final long count(final long result, final int length)
    {
        if (result > 0)
        {
            // Offers take the publication's lock, so these counters have one writer at a time.
            counters.addOrdered(Counter.MESSAGES_SENT, 1);
            counters.addOrdered(Counter.BYTES_SENT, length);
        }
        else if (result == BACK_PRESSURED)
        {
            counters.increment(Counter.BACK_PRESSURED);
        }
        else if (result == NOT_CONNECTED)
        {
            counters.increment(Counter.NOT_CONNECTED);
        }
        return result;
    }

    /**
     * Send a message of a valid length.
     *
     * @param srcBuffer holding the message, or null when {@code srcArray} does.
     * @param srcArray  holding the message, or null when {@code srcBuffer} does.
     * @param offset    of the message.
     * @param length    of the message.
     * @return the new position, or a negative code of {@link Publication}.
     */
    protected abstract long doOffer(ByteBuffer srcBuffer, byte[] srcArray, int offset, int length);

    /**
     * Release the transport's resources; called once.
     */
    protected abstract void onClose();

    @Override
    public final Endpoint endpoint()
    {
        return endpoint;
    }

    @Override
    public final int streamId()
    {
        return streamId;
    }

    @Override
    public final int sessionId()
    {
        return sessionId;
    }

    @Override
    public final int maxMessageLength()
    {
        return maxMessageLength;
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

    /**
     * Copy a message from whichever source holds it.
     *
     * @param dst       to copy to.
     * @param dstIndex  at which to put the first byte.
     * @param srcBuffer source buffer, or null.
     * @param srcArray  source array, or null.
     * @param offset    in the source.
     * @param length    to copy.
     */
    public static void copy(
        final ByteBuffer dst,
        final int dstIndex,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length)
    {
        if (srcArray != null)
        {
            dst.put(dstIndex, srcArray, offset, length);
        }
        else
        {
            dst.put(dstIndex, srcBuffer, offset, length);
        }
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{endpoint=" + endpoint + ", streamId=" + streamId +
            ", sessionId=" + sessionId + ", connected=" + isConnected() + ", closed=" + closed + '}';
    }
}
