package io.conduit.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.UNFRAGMENTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many producers, one consumer: every frame is read exactly once, intact, and in each producer's order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManyToOneRingBufferConcurrencyTest
{
    private static final int PRODUCERS = 4;
    private static final int FRAMES_PER_PRODUCER = 100_000;

    @Test
    void shouldDeliverEveryFrameOnceInPerProducerOrder() throws InterruptedException
    {
        final ManyToOneRingBuffer ring = ManyToOneRingBuffer.allocate(64 * 1024);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++)
        {
            final int producerId = p;
            final Thread producer = new Thread(() -> produce(ring, producerId), "producer-" + p);
            producer.setUncaughtExceptionHandler((thread, ex) -> failures.add(ex));
            producers.add(producer);
            producer.start();
        }

        final long[] next = new long[PRODUCERS];
        final long[] errors = new long[1];
        final ManyToOneRingBuffer.FrameHandler consumer = (buffer, index, frameLength) ->
        {
            final int producerId = FrameDescriptor.sessionId(buffer, index);
            final long sequence = FrameDescriptor.sequence(buffer, index);
            if (producerId < 0 || producerId >= PRODUCERS || sequence != next[producerId] ||
                frameLength != frameLength(producerId, sequence) || !payloadIntact(buffer, index, frameLength, sequence))
            {
                errors[0]++;
            }
            else
            {
                next[producerId]++;
            }
            return 1;
        };
        final long total = (long)PRODUCERS * FRAMES_PER_PRODUCER;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        long read = 0;
        while (read < total && errors[0] == 0 && failures.isEmpty() && System.nanoTime() < deadlineNs)
        {
            final int frames = ring.read(consumer, 256);
            read += frames;
            if (frames == 0)
            {
                Thread.yield();
            }
        }
        for (final Thread producer : producers)
        {
            producer.join(TimeUnit.SECONDS.toMillis(5));
        }

        assertThat(failures).isEmpty();
        assertThat(errors[0]).isZero();
        assertThat(next).containsOnly(FRAMES_PER_PRODUCER);
        assertThat(read).isEqualTo(total);
        assertThat(ring.read(consumer, 256)).isZero();
        assertThat(ring.size()).isZero();
    }

    private static void produce(final ManyToOneRingBuffer ring, final int producerId)
    {
        final ByteBuffer buffer = ring.buffer();
        for (long sequence = 0; sequence < FRAMES_PER_PRODUCER; sequence++)
        {
            final int frameLength = frameLength(producerId, sequence);
            int index;
            while ((index = ring.tryClaim(frameLength)) < 0)
            {
                Thread.yield();
            }
            FrameDescriptor.writeHeader(buffer, index, UNFRAGMENTED, TYPE_DATA, 1, producerId, sequence, 0);
            for (int i = HEADER_LENGTH; i < frameLength; i++)
            {
                buffer.put(index + i, (byte)(sequence + i));
            }
            ring.commit(index, frameLength);
        }
    }

    private static int frameLength(final int producerId, final long sequence)
    {
        return HEADER_LENGTH + (int)((sequence * 7 + producerId * 13) % 200);
    }

    private static boolean payloadIntact(
        final ByteBuffer buffer, final int index, final int frameLength, final long sequence)
    {
        for (int i = HEADER_LENGTH; i < frameLength; i++)
        {
            if (buffer.get(index + i) != (byte)(sequence + i))
            {
                return false;
            }
        }
        return true;
    }
}
