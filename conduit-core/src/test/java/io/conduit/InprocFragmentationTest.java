package io.conduit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.internal.FrameDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fragmentation and reassembly through inproc, with a 64 KiB ring: frames of at most 8 KiB, so payloads of at
 * most 8160 bytes per fragment.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InprocFragmentationTest
{
    private static final int RING_CAPACITY = 64 * 1024;
    private static final int MAX_PAYLOAD = RING_CAPACITY / 8 - FrameDescriptor.HEADER_LENGTH;
    private static final int MAX_MESSAGE_LENGTH = 12_000;

    @Test
    void shouldDeliverMessagesOfEverySizeAroundFragmentBoundariesWhole()
    {
        final int[] sizes = {
            0, 1, 7, 8, 9, 31, 32, 33,
            MAX_PAYLOAD - 1, MAX_PAYLOAD, MAX_PAYLOAD + 1,
            MAX_PAYLOAD + 8, MAX_MESSAGE_LENGTH - 1, MAX_MESSAGE_LENGTH};
        try (Conduit conduit = Conduit.launch(new Conduit.Context().maxMessageLength(MAX_MESSAGE_LENGTH));
            Subscription sub = conduit.addSubscription("inproc:fragments?capacity=64k", 3);
            Publication pub = conduit.addPublication("inproc:fragments", 3))
        {
            final List<byte[]> received = new ArrayList<>();
            final List<Long> sequences = new ArrayList<>();
            int sent = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < sizes.length && System.nanoTime() < deadlineNs)
            {
                if (sent < sizes.length && pub.offer(message(sent, sizes[sent])) > 0)
                {
                    sent++;
                }
                sub.poll((buffer, offset, length, header) ->
                {
                    final byte[] copy = new byte[length];
                    buffer.get(offset, copy);
                    received.add(copy);
                    sequences.add(header.sequence());
                }, 10);
            }

            assertThat(received).hasSize(sizes.length);
            for (int n = 0; n < sizes.length; n++)
            {
                assertThat(received.get(n)).as("message %d of %d bytes", n, sizes[n]).isEqualTo(message(n, sizes[n]));
                assertThat(sequences.get(n)).isEqualTo(n);
            }
            assertThat(sub.counters().get(Counter.MESSAGES_RECEIVED)).isEqualTo(sizes.length);
            assertThat(sub.counters().get(Counter.INCOMPLETE_MESSAGES)).isZero();
            assertThat(sub.counters().get(Counter.PROTOCOL_ERRORS)).isZero();
        }
    }

    @Test
    void shouldRefuseMessageLongerThanMaxMessageLength()
    {
        try (Conduit conduit = Conduit.launch(new Conduit.Context().maxMessageLength(MAX_MESSAGE_LENGTH));
            Subscription sub = conduit.addSubscription("inproc:fragments-max?capacity=64k", 3);
            Publication pub = conduit.addPublication("inproc:fragments-max", 3))
        {
            assertThat(pub.maxMessageLength()).isEqualTo(MAX_MESSAGE_LENGTH);
            assertThat(pub.offer(new byte[MAX_MESSAGE_LENGTH + 1])).isEqualTo(Publication.MAX_SIZE_EXCEEDED);
            assertThat(pub.offer(ByteBuffer.allocateDirect(MAX_MESSAGE_LENGTH + 1), 0, MAX_MESSAGE_LENGTH + 1))
                .isEqualTo(Publication.MAX_SIZE_EXCEEDED);
            assertThat(pub.offer(new byte[MAX_MESSAGE_LENGTH])).isPositive();
            assertThat(pub.counters().get(Counter.MESSAGES_SENT)).isEqualTo(1);

            final int[] lengths = new int[2];
            assertThat(sub.poll((buffer, offset, length, header) -> lengths[0] = length, 10)).isEqualTo(1);
            assertThat(lengths[0]).isEqualTo(MAX_MESSAGE_LENGTH);
        }
    }

    @Test
    void shouldRefuseMessageThatCannotFitTheSubscriberRingAsTooLarge()
    {
        try (Conduit conduit = Conduit.launch();
            Subscription ignored = conduit.addSubscription("inproc:fragments-ring?capacity=64k", 3);
            Publication pub = conduit.addPublication("inproc:fragments-ring", 3))
        {
            assertThat(pub.offer(new byte[RING_CAPACITY])).isEqualTo(Publication.MAX_SIZE_EXCEEDED);
        }
    }

    @Test
    void shouldKeepPerPublicationOrderWithTwoPublicationsInterleavingFragmentedMessages()
    {
        final int messagesPerPublication = 200;
        try (Conduit conduit = Conduit.launch();
            Subscription sub = conduit.addSubscription("inproc:fragments-two?capacity=64k", 3);
            Publication first = conduit.addPublication("inproc:fragments-two", 3);
            Publication second = conduit.addPublication("inproc:fragments-two", 3))
        {
            final long[] nextSequence = new long[2];
            final int[] errors = new int[1];
            int sentFirst = 0;
            int sentSecond = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (nextSequence[0] + nextSequence[1] < 2L * messagesPerPublication && System.nanoTime() < deadlineNs)
            {
                if (sentFirst < messagesPerPublication && first.offer(message(sentFirst, 9_000)) > 0)
                {
                    sentFirst++;
                }
                if (sentSecond < messagesPerPublication && second.offer(message(sentSecond, 100)) > 0)
                {
                    sentSecond++;
                }
                sub.poll((buffer, offset, length, header) ->
                {
                    final int p = header.sessionId() == first.sessionId() ? 0 : 1;
                    final byte[] copy = new byte[length];
                    buffer.get(offset, copy);
                    final int n = (int)nextSequence[p];
                    if (header.sequence() != n || !java.util.Arrays.equals(copy, message(n, p == 0 ? 9_000 : 100)))
                    {
                        errors[0]++;
                    }
                    nextSequence[p]++;
                }, 10);
            }

            assertThat(nextSequence).containsExactly(messagesPerPublication, messagesPerPublication);
            assertThat(errors[0]).isZero();
        }
    }

    private static byte[] message(final int n, final int length)
    {
        final byte[] msg = new byte[length];
        for (int i = 0; i < length; i++)
        {
            msg[i] = (byte)(i * 31 + n);
        }
        return msg;
    }
}
