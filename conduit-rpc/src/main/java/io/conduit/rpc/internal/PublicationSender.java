package io.conduit.rpc.internal;

import java.nio.ByteBuffer;

import io.conduit.BackoffIdleStrategy;
import io.conduit.IdleStrategy;
import io.conduit.Publication;

/**
 * Offers a frame to a publication, waiting out back-pressure for a bounded time.
 */
final class PublicationSender
{
    private PublicationSender()
    {
    }

    /**
     * @return true when the frame was accepted; false when the peer is gone, the publication closed, or
     * back-pressure lasted longer than the timeout.
     */
    static boolean send(
        final Publication publication, final ByteBuffer buffer, final int offset, final int length, final long timeoutNs)
    {
        long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            return true;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final IdleStrategy idle = new BackoffIdleStrategy();
        while (result == Publication.BACK_PRESSURED && System.nanoTime() - deadlineNs < 0)
        {
            idle.idle();
            result = publication.offer(buffer, offset, length);
        }
        return result > 0;
    }
}
