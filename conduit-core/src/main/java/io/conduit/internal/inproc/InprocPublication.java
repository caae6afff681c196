package io.conduit.internal.inproc;

import java.nio.ByteBuffer;

import io.conduit.Conduit;
import io.conduit.Endpoint;
import io.conduit.internal.AbstractPublication;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.ManyToOneRingBuffer;
import io.conduit.internal.RingSubscription;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * Copies each message into the ring of every subscription of its channel, fragmenting it to the rings' frame
 * limit. A message is written to all rings or to none: when any ring lacks room for the whole message, the offer
 * is back-pressured. A message longer than a quarter of the smallest ring can never be written and is refused as
 * too large, so set {@code ?capacity=} for large messages. Publications of one channel offer one at a time.
 */
final class InprocPublication extends AbstractPublication
{
    private final InprocChannel channel;
    private final boolean timestamps;
    private long sequence;
    private long position;

    InprocPublication(
        final Endpoint endpoint, final int streamId, final Conduit.Context context, final InprocChannel channel)
    {
        super(endpoint, streamId, context.maxMessageLength());
        this.channel = channel;
        this.timestamps = context.timestamps();
        channel.publicationConnected(1);
    }

    @Override
    public boolean isConnected()
    {
        return !isClosed() && channel.subscriptions().length > 0;
    }

    @Override
    protected long doOffer(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        // Publications of a channel take turns, so the room checked for below is still there when claimed.
        synchronized (channel)
        {
            return offerLocked(srcBuffer, srcArray, offset, length);
        }
    }

    private long offerLocked(final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        if (isClosed())
        {
            return CLOSED;
        }
        final RingSubscription[] subscriptions = channel.subscriptions();
        if (subscriptions.length == 0)
        {
            return NOT_CONNECTED;
        }
        int maxPayload = Integer.MAX_VALUE;
        int minCapacity = Integer.MAX_VALUE;
        for (final RingSubscription subscription : subscriptions)
        {
            final ManyToOneRingBuffer ring = subscription.ring();
            maxPayload = Math.min(maxPayload, ring.maxFrameLength() - HEADER_LENGTH);
            minCapacity = Math.min(minCapacity, ring.capacity());
        }
        final int fragments = Math.max(1, (length + maxPayload - 1) / maxPayload);
        final long framedLength = (long)fragments * alignedLength(HEADER_LENGTH) + alignedLength(length) +
            (long)fragments * FrameDescriptor.FRAME_ALIGNMENT;
        if (framedLength > minCapacity / 4)
        {
            return MAX_SIZE_EXCEEDED;
        }
        // One padding frame may be needed at the wrap: ask for the message plus a frame of slack.
        final int required = (int)framedLength + maxPayload + HEADER_LENGTH;
        for (final RingSubscription subscription : subscriptions)
        {
            if (subscription.ring().capacity() - subscription.ring().size() < required)
            {
                return BACK_PRESSURED;
            }
        }
        final long timestampNs = timestamps ? System.nanoTime() : 0;
        for (final RingSubscription subscription : subscriptions)
        {
            write(subscription.ring(), srcBuffer, srcArray, offset, length, maxPayload, timestampNs);
            subscription.wakeWaiter();
        }
        sequence++;
        position += framedLength;
        return position;
    }

    private void write(
        final ManyToOneRingBuffer ring,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final int maxPayload,
        final long timestampNs)
    {
        final ByteBuffer buffer = ring.buffer();
        int written = 0;
        do
        {
            final int chunk = Math.min(maxPayload, length - written);
            final byte flags = FrameDescriptor.fragmentFlags(written, chunk, length);
            final int frameLength = HEADER_LENGTH + chunk;
            final int index = ring.tryClaim(frameLength);
            if (index < 0)
            {
                throw new IllegalStateException("inproc ring lost room checked under lock: " + endpoint);
            }
            FrameDescriptor.writeHeader(buffer, index, flags, TYPE_DATA, streamId, sessionId, sequence, timestampNs);
            copy(buffer, index + HEADER_LENGTH, srcBuffer, srcArray, offset + written, chunk);
            ring.commit(index, frameLength);
            written += chunk;
        }
        while (written < length);
    }

    @Override
    protected void onClose()
    {
        synchronized (channel)
        {
            endSession();
        }
    }

    private void endSession()
    {
        channel.publicationConnected(-1);
        for (final RingSubscription subscription : channel.subscriptions())
        {
            subscription.endSession(sessionId);
        }
    }
}
