package io.conduit.cli;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.conduit.BackoffIdleStrategy;
import io.conduit.IdleStrategy;
import io.conduit.Publication;
import io.conduit.Publications;

/**
 * Sends stamped messages (see {@link StampDescriptor}) on a publication, either as fast as they are accepted or at
 * a fixed rate.
 * <p>
 * At a fixed rate, message {@code n} is due at {@code start + n / rate} and is stamped with that scheduled time
 * rather than the time it actually left, so a stall delays every message behind it in the measured latency
 * (coordinated-omission correction). {@link Pacer} waits for each send time. Not thread-safe.
 */
final class StampedPublisher
{
    private static final long CONNECT_POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Publication publication;
    private final ByteBuffer message;
    private final int sizeBytes;
    private final long ratePerSecond;

    /**
     * @param publication   to send on.
     * @param sizeBytes     of each message, at least {@link StampDescriptor#STAMP_LENGTH}.
     * @param ratePerSecond messages per second, or 0 for as fast as accepted.
     */
    StampedPublisher(final Publication publication, final int sizeBytes, final long ratePerSecond)
    {
        if (sizeBytes < StampDescriptor.STAMP_LENGTH)
        {
            throw new IllegalArgumentException("message size too small for the stamp: sizeBytes=" + sizeBytes +
                ", minimum=" + StampDescriptor.STAMP_LENGTH);
        }
        if (ratePerSecond < 0)
        {
            throw new IllegalArgumentException("rate must not be negative: ratePerSecond=" + ratePerSecond);
        }
        this.publication = publication;
        this.message = ByteBuffer.allocateDirect(sizeBytes);
        this.sizeBytes = sizeBytes;
        this.ratePerSecond = ratePerSecond;
    }

    /**
     * Wait for a subscriber, then send.
     *
     * @param count         messages to send, or 0 to send until stopped.
     * @param timeoutNs     longest to wait for a subscriber to connect, and for any one message to be accepted.
     * @param stopRequested polled between messages; true ends the run early, without failure.
     * @return what was sent, and why it stopped short if it did.
     */
    PublishReport run(final long count, final long timeoutNs, final BooleanSupplier stopRequested)
    {
        final long connectDeadlineNs = System.nanoTime() + timeoutNs;
        while (!publication.isConnected())
        {
            if (stopRequested.getAsBoolean())
            {
                return new PublishReport(0, 0, 0, 0, null);
            }
            if (System.nanoTime() - connectDeadlineNs >= 0)
            {
                return new PublishReport(0, 0, 0, 0, "no subscriber connected: endpoint=" + publication.endpoint() +
                    ", streamId=" + publication.streamId() + ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
            LockSupport.parkNanos(CONNECT_POLL_NS);
        }

        final double intervalNs = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        final IdleStrategy retryIdle = new BackoffIdleStrategy();
        final long startNs = System.nanoTime();
        long lastAcceptedNs = startNs;
        long sequence = 0;
        long backPressured = 0;
        String failure = null;
        while ((count <= 0 || sequence < count) && !stopRequested.getAsBoolean())
        {
            final long sendTimeNs;
            if (ratePerSecond > 0)
            {
                sendTimeNs = startNs + (long)(sequence * intervalNs);
                Pacer.awaitTime(sendTimeNs);
            }
            else
            {
                sendTimeNs = System.nanoTime();
            }
            StampDescriptor.stamp(message, sequence, sendTimeNs);

            long stallDeadlineNs = 0;
            long result;
            while ((result = publication.offer(message, 0, sizeBytes)) <= 0)
            {
                if (result == Publication.BACK_PRESSURED)
                {
                    backPressured++;
                }
                else if (result != Publication.NOT_CONNECTED)
                {
                    failure = "offer failed: result=" + Publications.describe(result) + ", endpoint=" +
                        publication.endpoint() + ", sequence=" + sequence;
                    break;
                }
                final long nowNs = System.nanoTime();
                if (stallDeadlineNs == 0)
                {
                    stallDeadlineNs = nowNs + timeoutNs;
                }
                else if (nowNs - stallDeadlineNs >= 0 || stopRequested.getAsBoolean())
                {
                    failure = "no progress: lastResult=" + Publications.describe(result) + ", endpoint=" +
                        publication.endpoint() + ", sequence=" + sequence + ", timeoutMs=" +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs);
                    break;
                }
                retryIdle.idle();
            }
            if (failure != null)
            {
                break;
            }
            retryIdle.reset();
            lastAcceptedNs = System.nanoTime();
            sequence++;
        }
        return new PublishReport(sequence, sequence * sizeBytes, backPressured, lastAcceptedNs - startNs, failure);
    }
}
