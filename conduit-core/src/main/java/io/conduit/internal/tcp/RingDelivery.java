package io.conduit.internal.tcp;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;

import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.ManyToOneRingBuffer;
import io.conduit.internal.RingSubscription;

import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;

/**
 * Copies the frames of one connection into the rings of the subscriptions they are for. When a ring is full
 * the frame is refused, and offered again after its subscription frees space; rings that already took the frame
 * are not given it twice. Used only on the connection's event loop.
 */
final class RingDelivery
{
    private static final RingSubscription[] NONE = new RingSubscription[0];

    private RingSubscription[] targets = NONE;
    private ByteBuffer[] views = new ByteBuffer[0];
    private int nextTarget;

    /**
     * @param subscriptions to deliver to; pass the same array again while a frame is pending.
     * @param buffer        holding the frame.
     * @param index         of the frame.
     * @param frameLength   of the frame.
     * @param onSpace       to run from the polling thread once a full ring has room.
     * @return true when every subscription took the frame; false to retry later.
     */
    boolean deliver(
        final RingSubscription[] subscriptions,
        final ByteBuf buffer,
        final int index,
        final int frameLength,
        final Runnable onSpace)
    {
        if (nextTarget == 0)
        {
            target(subscriptions);
        }
        for (; nextTarget < targets.length; nextTarget++)
        {
            final RingSubscription subscription = targets[nextTarget];
            if (subscription.isClosed())
            {
                continue;
            }
            final ManyToOneRingBuffer ring = subscription.ring();
            int at = ring.tryClaim(frameLength);
            if (at < 0)
            {
                subscription.awaitSpace(onSpace);
                at = ring.tryClaim(frameLength);
                if (at < 0)
                {
                    return false;
                }
            }
            final ByteBuffer view = views[nextTarget];
            // The length goes last, by commit: it is what makes the frame visible to the poller.
            view.limit(at + frameLength).position(at + LENGTH_OFFSET + 4);
            buffer.getBytes(index + LENGTH_OFFSET + 4, view);
            ring.commit(at, frameLength);
        }
        nextTarget = 0;
        return true;
    }

    /**
     * Wake the pollers blocked on the subscriptions last delivered to; called once per batch of frames read.
     */
    void wakeWaiters()
    {
        for (final RingSubscription subscription : targets)
        {
            subscription.wakeWaiter();
        }
    }

    private void target(final RingSubscription[] subscriptions)
    {
        if (subscriptions != targets)
        {
            targets = subscriptions;
            views = new ByteBuffer[subscriptions.length];
            for (int i = 0; i < subscriptions.length; i++)
            {
                views[i] = subscriptions[i].ring().buffer().duplicate();
            }
        }
    }
}
