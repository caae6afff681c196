package io.conduit.internal.shm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.FrameDescriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShmTransportTest
{
    @TempDir
    Path directory;

    private Conduit launch()
    {
        return Conduit.launch(new Conduit.Context().shmDirectory(directory.resolve("shm")).shmCapacity(1 << 20));
    }

    private static byte[] message(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        return bytes;
    }

    private static int drain(final Subscription subscription, final List<byte[]> into)
    {
        return subscription.poll((buffer, offset, length, header) ->
        {
            final byte[] copy = new byte[length];
            buffer.get(offset, copy);
            into.add(copy);
        }, 100);
    }

    @Test
    void shouldDeliverSmallAndFragmentedMessagesInOrderToEverySubscriber()
    {
        try (Conduit conduit = launch();
            Subscription first = conduit.addSubscription("shm:roundtrip", 7);
            Subscription second = conduit.addSubscription("shm:roundtrip?mtu=4k", 7);
            Publication publication = conduit.addPublication("shm:roundtrip?mtu=4k", 7))
        {
            final int[] sizes = {0, 1, 100, 200_000, 5, 131_000, 4064, 4065};
            final List<byte[]> firstReceived = new ArrayList<>();
            final List<byte[]> secondReceived = new ArrayList<>();
            int sent = 0;
            while (firstReceived.size() < sizes.length || secondReceived.size() < sizes.length)
            {
                if (sent < sizes.length && publication.offer(message(sizes[sent], sent)) > 0)
                {
                    sent++;
                }
                drain(first, firstReceived);
                drain(second, secondReceived);
            }
            for (int n = 0; n < sizes.length; n++)
            {
                assertThat(firstReceived.get(n)).isEqualTo(message(sizes[n], n));
                assertThat(secondReceived.get(n)).isEqualTo(message(sizes[n], n));
            }
        }
    }

    @Test
    void shouldWrapAroundTheRingManyTimes()
    {
        try (Conduit conduit = Conduit.launch(new Conduit.Context().shmDirectory(directory).shmCapacity(64 * 1024));
            Subscription subscription = conduit.addSubscription("shm:wrap", 1);
            Publication publication = conduit.addPublication("shm:wrap", 1))
        {
            final ByteBuffer message = ByteBuffer.allocateDirect(1000);
            final long[] next = new long[1];
            int sent = 0;
            final int total = 20_000;
            while (next[0] < total)
            {
                if (sent < total)
                {
                    message.putLong(0, sent);
                    final long result = publication.offer(message, 0, 100 + sent % 900);
                    if (result > 0)
                    {
                        sent++;
                    }
                    else
                    {
                        assertThat(result).isEqualTo(Publication.BACK_PRESSURED);
                    }
                }
                subscription.poll((buffer, offset, length, header) ->
                {
                    assertThat(buffer.getLong(offset)).isEqualTo(next[0]);
                    assertThat(length).isEqualTo(100 + (int)(next[0] % 900));
                    next[0]++;
                }, 10);
            }
            assertThat(subscription.counters().get(Counter.MESSAGES_RECEIVED)).isEqualTo(total);
        }
    }

    @Test
    void shouldCleanBehindTheSubscriberSoThatPublishersFindCleanSpaceAhead()
    {
        final int capacity = 1 << 20;
        try (Conduit conduit = launch();
            Subscription subscription = conduit.addSubscription("shm:clean", 1);
            Publication publication = conduit.addPublication("shm:clean", 1))
        {
            final LogBuffer log = ((ShmSubscription)subscription).log().buffer();
            final long chunk = ((ShmSubscription)subscription).log().cleaner().cleanChunk();
            final byte[] message = new byte[1000];
            final List<byte[]> received = new ArrayList<>();
            long position = 0;
            for (int i = 0; i < 5 * capacity / message.length; i++)
            {
                position = publication.offer(message);
                assertThat(position).isPositive();
                assertThat(drain(subscription, received)).isEqualTo(1);
                // Without the subscriber's cleaning, publishers clean only as far as their next claim needs.
                assertThat(log.cleanLimitAcquire()).isGreaterThan(position + capacity - chunk - message.length);
            }
            assertThat(position).isGreaterThan(4L * capacity);
            assertThat(received).allMatch(bytes -> bytes.length == message.length);
        }
    }

    @Test
    void shouldBackPressureWhileTheSlowestSubscriberHasNotRead()
    {
        try (Conduit conduit = launch();
            Subscription fast = conduit.addSubscription("shm:bp", 1);
            Subscription slow = conduit.addSubscription("shm:bp", 1);
            Publication publication = conduit.addPublication("shm:bp", 1))
        {
            final byte[] message = new byte[1000];
            long result;
            int accepted = 0;
            final List<byte[]> received = new ArrayList<>();
            while ((result = publication.offer(message)) > 0)
            {
                accepted++;
                drain(fast, received);
            }
            assertThat(result).isEqualTo(Publication.BACK_PRESSURED);
            assertThat(accepted).isBetween(900, 1100);
            final List<byte[]> slowReceived = new ArrayList<>();
            while (drain(slow, slowReceived) > 0)
            {
                drain(fast, received);
            }
            assertThat(slowReceived).hasSize(accepted);
            // A back-pressured publication looks at the subscribers again within a few offers.
            long afterDrain = Publication.BACK_PRESSURED;
            for (int i = 0; i < 20 && afterDrain < 0; i++)
            {
                afterDrain = publication.offer(message);
            }
            assertThat(afterDrain).isPositive();
        }
    }

    @Test
    void shouldNotConnectWithoutSubscriberAndRefuseTooLargeMessages()
    {
        try (Conduit conduit = launch();
            Publication publication = conduit.addPublication("shm:lonely", 1))
        {
            assertThat(publication.isConnected()).isFalse();
            assertThat(publication.offer(new byte[8])).isEqualTo(Publication.NOT_CONNECTED);
            try (Subscription subscription = conduit.addSubscription("shm:lonely", 1))
            {
                assertThat(publication.isConnected()).isTrue();
                assertThat(subscription.isConnected()).isTrue();
                assertThat(publication.offer(new byte[(1 << 20) / 4])).isEqualTo(Publication.MAX_SIZE_EXCEEDED);
                assertThat(publication.offer(new byte[8])).isPositive();
            }
            assertThat(publication.offer(new byte[8])).isEqualTo(Publication.NOT_CONNECTED);
        }
    }

    @Test
    void shouldKeepFilesPrivateAndDeleteThemWhenTheLastUserCloses() throws IOException
    {
        final Path shm = directory.resolve("shm");
        try (Conduit conduit = launch())
        {
            final Publication publication = conduit.addPublication("shm:private", 3);
            final Subscription subscription = conduit.addSubscription("shm:private", 3);
            final Path log = shm.resolve("private-3.log");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shm))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shm.resolve(".lock"))))
                .isEqualTo("rw-------");
            publication.close();
            assertThat(log).exists();
            subscription.close();
            assertThat(log).doesNotExist();
        }
    }

    @Test
    void shouldDeliverToCallbacksOnAThreadPerIdleStrategyAndNotBurnACoreWhileIdle() throws Exception
    {
        try (Conduit conduit = launch())
        {
            final AtomicInteger spinning = new AtomicInteger();
            final AtomicInteger backingOff = new AtomicInteger();
            conduit.addSubscription("shm:callbacks?idle=busy-spin", 1, (b, o, l, h) -> spinning.incrementAndGet());
            conduit.addSubscription("shm:callbacks", 1, (b, o, l, h) -> backingOff.incrementAndGet());
            final Publication publication = conduit.addPublication("shm:callbacks", 1);
            for (int i = 0; i < 10; i++)
            {
                while (publication.offer(new byte[16]) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spinning.get() < 10 || backingOff.get() < 10)
            {
                assertThat(System.nanoTime() - deadlineNs).isNegative();
                Thread.sleep(1);
            }

            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long idleThread = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("conduit-subscriber")).findFirst().orElseThrow().getId();
            final long cpuStartNs = threads.getThreadCpuTime(idleThread);
            final long wallStartNs = System.nanoTime();
            Thread.sleep(1_000);
            final double cpuShare = (double)(threads.getThreadCpuTime(idleThread) - cpuStartNs) /
                (System.nanoTime() - wallStartNs);
            assertThat(cpuShare).as("CPU share of an idle back-off subscriber thread").isLessThan(0.2);
            assertThat(spinning.get()).isEqualTo(10);
            assertThat(backingOff.get()).isEqualTo(10);
        }
    }

    @Test
    void shouldTakeOffersFromManyThreadsOnOnePublicationInEachThreadsOrder() throws Exception
    {
        final int threads = 4;
        final int perThread = 20_000;
        try (Conduit conduit = launch();
            Subscription subscription = conduit.addSubscription("shm:threads", 1);
            Publication publication = conduit.addPublication("shm:threads", 1))
        {
            final List<Thread> offerers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                offerers.add(new Thread(() ->
                {
                    final ByteBuffer message = ByteBuffer.allocate(16);
                    for (int i = 0; i < perThread; i++)
                    {
                        message.putInt(0, id).putInt(4, i);
                        while (publication.offer(message, 0, 16) < 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            offerers.forEach(Thread::start);
            final int[] next = new int[threads];
            int received = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received < threads * perThread)
            {
                received += subscription.poll((buffer, offset, length, header) ->
                {
                    final int id = buffer.getInt(offset);
                    assertThat(buffer.getInt(offset + 4)).isEqualTo(next[id]++);
                }, 100);
                assertThat(System.nanoTime() - deadlineNs).isNegative();
            }
            for (final Thread offerer : offerers)
            {
                offerer.join();
            }
            assertThat(next).containsOnly(perThread);
            publication.close();
            assertThat(publication.offer(new byte[8])).isEqualTo(Publication.CLOSED);
        }
    }

    @Test
    void shouldReportACorruptFrameOnceAndCarryOnFromTheTail() throws IOException
    {
        try (Conduit conduit = launch();
            Subscription subscription = conduit.addSubscription("shm:corrupt", 1);
            Publication publication = conduit.addPublication("shm:corrupt", 1))
        {
            assertThat(publication.offer(new byte[8])).isPositive();
            // Another process scribbles an unknown frame type over the committed frame.
            try (FileChannel channel = FileChannel.open(directory.resolve("shm/corrupt-1.log"),
                StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(new byte[] {99, 0}),
                    LogDescriptor.dataOffset() + FrameDescriptor.TYPE_OFFSET);
            }
            assertThatThrownBy(() -> subscription.poll((b, o, l, h) -> { }, 10))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_LOG))
                .hasMessageContaining("corrupt frame in shared-memory log");

            // It stepped aside, so publishers are not held back; its next poll rejoins at the tail.
            assertThat(publication.isConnected()).isFalse();
            assertThat(subscription.poll((b, o, l, h) -> { }, 10)).isZero();
            assertThat(publication.offer(new byte[] {1, 2, 3})).isPositive();
            final List<byte[]> received = new ArrayList<>();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.isEmpty())
            {
                drain(subscription, received);
                assertThat(System.nanoTime() - deadlineNs).isNegative();
            }
            assertThat(received.get(0)).containsExactly(1, 2, 3);
            assertThat(subscription.counters().get(Counter.EVICTIONS)).isEqualTo(1);
            assertThat(subscription.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
        }
    }
}
