package io.conduit.internal.tcp;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.test.Frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ?delivery=poller}: once a connection's HELLO is in, the subscription's polling thread reads its socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpPollerDeliveryTest
{
    private static final int STREAM_ID = 7;

    private final Conduit conduit = Conduit.launch();

    @AfterEach
    void close()
    {
        conduit.close();
    }

    @Test
    void shouldDeliverEveryMessageInOrderReadByThePollerIncludingFragmentedOnes()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), STREAM_ID);
        awaitTrue(pub::isConnected);
        awaitTrue(() -> readers(sub) == 1);

        final int count = 20_000;
        final int largeEvery = 5_000;
        final int largeLength = 200_000;
        final List<String> failures = new ArrayList<>();
        final long[] next = new long[1];
        final MessageHandler check = (buffer, offset, length, header) ->
        {
            final long expected = next[0]++;
            final int expectedLength = expected % largeEvery == 0 ? largeLength : 64;
            if (buffer.getLong(offset) != expected || length != expectedLength || header.sequence() != expected)
            {
                failures.add("expected=" + expected + ", sequence=" + buffer.getLong(offset) + ", length=" + length);
            }
        };
        final ByteBuffer large = ByteBuffer.allocate(largeLength);
        final ByteBuffer small = ByteBuffer.allocate(64);
        int sent = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (next[0] < count && System.nanoTime() < deadline)
        {
            if (sent < count)
            {
                final ByteBuffer message = sent % largeEvery == 0 ? large : small;
                message.putLong(0, sent);
                if (pub.offer(message, 0, message.capacity()) > 0)
                {
                    sent++;
                }
            }
            sub.poll(check, 100);
        }
        assertThat(failures).isEmpty();
        assertThat(next[0]).isEqualTo(count);
        assertThat(sub.counters().get(Counter.MESSAGES_RECEIVED)).isEqualTo(count);
    }

    @Test
    void shouldWakeABlockingPollWithoutAnIoThread() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), STREAM_ID);
        awaitTrue(pub::isConnected);
        awaitTrue(() -> readers(sub) == 1);
        final Thread sender = new Thread(() ->
        {
            awaitTrue(() -> asleep(sub));
            final ByteBuffer message = ByteBuffer.allocate(8).putLong(0, 42);
            while (pub.offer(message, 0, 8) < 0)
            {
                Thread.onSpinWait();
            }
        });
        sender.start();

        final long[] received = new long[1];
        final long startNs = System.nanoTime();
        final int delivered = sub.poll((buffer, offset, length, header) -> received[0] = buffer.getLong(offset), 10,
            TimeUnit.SECONDS.toNanos(30));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        sender.join();

        assertThat(delivered).isEqualTo(1);
        assertThat(received[0]).isEqualTo(42);
        // Not a speed check: a poll nothing woke would sleep its whole 30 s before reading.
        assertThat(elapsedMs).as("woken by the bytes, not by its timeout").isLessThan(20_000);
    }

    @Test
    void shouldEndABlockingPollWhenInterruptedOrClosed() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), STREAM_ID);
        awaitTrue(pub::isConnected);
        awaitTrue(() -> readers(sub) == 1);
        final MessageHandler ignore = (buffer, offset, length, header) ->
        {
        };
        final long[] delivered = {-1, -1};
        final boolean[] interruptedAfter = new boolean[1];
        final Thread interrupted = new Thread(() ->
        {
            delivered[0] = sub.poll(ignore, 10, TimeUnit.SECONDS.toNanos(30));
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        interrupted.start();
        awaitTrue(() -> asleep(sub));
        interrupted.interrupt();
        interrupted.join(10_000);
        assertThat(interrupted.isAlive()).as("the interrupted poll returned").isFalse();
        assertThat(delivered[0]).isZero();
        assertThat(interruptedAfter[0]).as("the interrupt flag is kept").isTrue();

        final Thread closed = new Thread(() -> delivered[1] = sub.poll(ignore, 10, TimeUnit.SECONDS.toNanos(30)));
        closed.start();
        awaitTrue(() -> asleep(sub));
        sub.close();
        closed.join(10_000);
        assertThat(closed.isAlive()).as("the poll returned once the subscription closed").isFalse();
        assertThat(delivered[1]).isZero();
    }

    @Test
    void shouldCloseASilentPeerWhileThePollerSleepsOnItsSocket() throws Exception
    {
        try (Conduit strict = Conduit.launch(new Conduit.Context().heartbeatIntervalMs(100).heartbeatTimeoutMs(500)))
        {
            final Subscription sub = strict.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
            final Thread poller = new Thread(() ->
            {
                while (!sub.isClosed())
                {
                    sub.poll((buffer, offset, length, header) ->
                    {
                    }, 10, TimeUnit.SECONDS.toNanos(30));
                }
            });
            poller.setDaemon(true);
            try (Socket socket = new Socket("127.0.0.1", sub.endpoint().port()))
            {
                socket.getOutputStream().write(Frames.hello(STREAM_ID, 0x77));
                socket.getOutputStream().flush();
                awaitTrue(() -> readers(sub) == 1);
                poller.start();
                // Then silence: no heartbeat, no close. The poller sleeps in one long poll all along; the
                // subscriber's own heartbeats keep arriving here until it gives up on this side.
                awaitClosedByPeer(socket);
            }
            finally
            {
                sub.close();
            }
            assertThat(strict.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isEqualTo(1);
            poller.join(10_000);
            assertThat(poller.isAlive()).isFalse();
        }
    }

    @Test
    void shouldBackPressureThroughTcpWhileNobodyPollsAndLoseNothingAccepted()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), STREAM_ID);
        awaitTrue(pub::isConnected);
        awaitTrue(() -> readers(sub) == 1);

        final ByteBuffer message = ByteBuffer.allocate(1024);
        long accepted = 0;
        long refusedInARow = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // Until the publication has refused for a while: socket buffers, the window and the batches are full.
        while (refusedInARow < 100_000 && System.nanoTime() < deadline && accepted < 1_000_000)
        {
            message.putLong(0, accepted);
            if (pub.offer(message, 0, message.capacity()) > 0)
            {
                accepted++;
                refusedInARow = 0;
            }
            else
            {
                refusedInARow++;
            }
        }
        assertThat(refusedInARow).as("the publication is back-pressured").isEqualTo(100_000);
        assertThat(accepted).as("bounded by the buffers, not the million tried").isLessThan(1_000_000);

        final long[] next = new long[1];
        final List<Long> outOfOrder = new ArrayList<>();
        final long pollDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (next[0] < accepted && System.nanoTime() < pollDeadline)
        {
            sub.poll((buffer, offset, length, header) ->
            {
                if (buffer.getLong(offset) != next[0])
                {
                    outOfOrder.add(buffer.getLong(offset));
                }
                next[0]++;
            }, 100);
        }
        assertThat(outOfOrder).isEmpty();
        assertThat(next[0]).isEqualTo(accepted);
    }

    @Test
    void shouldTakeOverTheStartOfAFrameTheIoThreadHadReadWithTheHello() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final int sessionId = 0x51;
        final byte[] first = Frames.data(STREAM_ID, sessionId, 0, payload(0));
        final byte[] second = Frames.data(STREAM_ID, sessionId, 1, payload(1));
        final byte[] third = Frames.data(STREAM_ID, sessionId, 2, payload(2));
        final List<Long> received = new ArrayList<>();
        final MessageHandler record = (buffer, offset, length, header) -> received.add(buffer.getLong(offset));
        try (Socket socket = new Socket("127.0.0.1", sub.endpoint().port()))
        {
            final OutputStream out = socket.getOutputStream();
            // One write: the I/O thread reads the hello, a whole frame and half of the next before handing over.
            out.write(Frames.concat(Frames.hello(STREAM_ID, sessionId), first,
                java.util.Arrays.copyOf(second, second.length / 2)));
            out.flush();
            awaitTrue(() -> readers(sub) == 1);
            out.write(second, second.length / 2, second.length - second.length / 2);
            out.write(third);
            out.flush();

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < 3 && System.nanoTime() < deadline)
            {
                sub.poll(record, 10);
            }
        }
        assertThat(received).containsExactly(0L, 1L, 2L);
        assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isZero();
    }

    @Test
    void shouldCloseAConnectionThatBreaksTheProtocolAfterTheHandOverAndKeepServingTheOthers() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), STREAM_ID);
        awaitTrue(pub::isConnected);
        final long[] received = new long[1];
        final MessageHandler count = (buffer, offset, length, header) -> received[0]++;
        try (Socket socket = new Socket("127.0.0.1", sub.endpoint().port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(Frames.hello(STREAM_ID, 0x99));
            out.flush();
            awaitTrue(() -> readers(sub) == 2);
            out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            out.flush();

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (conduit.counters().get(Counter.PROTOCOL_ERRORS) == 0 && System.nanoTime() < deadline)
            {
                sub.poll(count, 10);
            }
            assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
            // The hostile connection is closed by the subscriber after its ERROR frame.
            awaitClosedByPeer(socket);
        }
        awaitTrue(() -> readers(sub) == 1);

        final ByteBuffer message = ByteBuffer.allocate(8);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long sent = 0;
        while (received[0] < 100 && System.nanoTime() < deadline)
        {
            if (sent < 100 && pub.offer(message, 0, 8) > 0)
            {
                sent++;
            }
            sub.poll(count, 10);
        }
        assertThat(received[0]).isEqualTo(100);
    }

    @Test
    void shouldSeeThePublisherGoAndComeBack()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", STREAM_ID);
        final MessageHandler ignore = (buffer, offset, length, header) ->
        {
        };
        for (int round = 0; round < 2; round++)
        {
            try (Conduit other = Conduit.launch();
                Publication pub = other.addPublication(sub.endpoint().address(), STREAM_ID))
            {
                awaitTrue(() -> pub.isConnected() && sub.isConnected());
                awaitTrue(() -> readers(sub) == 1);
            }
            awaitTrue(() ->
            {
                sub.poll(ignore, 10);
                return !sub.isConnected() && readers(sub) == 0;
            });
        }
    }

    @Test
    void shouldRefuseCombinationsThePollerCannotRead()
    {
        assertThatThrownBy(() -> conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller&tls=true", 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plaintext only");
        assertThatThrownBy(() -> conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller&listen=publisher", 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must listen");

        final Subscription polled = conduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", 1);
        final String address = polled.endpoint().address();
        assertThatThrownBy(() -> conduit.addSubscription(address, 1))
            .isInstanceOf(ConduitException.class).hasMessageContaining("needs its stream to itself");
        assertThatThrownBy(() -> conduit.addSubscription(address + "?delivery=poller", 1))
            .isInstanceOf(ConduitException.class).hasMessageContaining("needs its stream to itself");
        // Another stream on the same port is fine.
        conduit.addSubscription(address, 2).close();

        final Subscription agent = conduit.addSubscription("tcp://127.0.0.1:0", 1);
        assertThatThrownBy(() -> conduit.addSubscription(agent.endpoint().address() + "?delivery=poller", 1))
            .isInstanceOf(ConduitException.class).hasMessageContaining("needs its stream to itself");
    }

    @Test
    void shouldRefuseThePollerOverTheNativeTransport()
    {
        try (Conduit nativeConduit = Conduit.launch(new Conduit.Context().nativeTransport(true)))
        {
            if (!io.netty.channel.epoll.Epoll.isAvailable())
            {
                return;
            }
            assertThatThrownBy(() -> nativeConduit.addSubscription("tcp://127.0.0.1:0?delivery=poller", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NIO transport only");
        }
    }

    /**
     * Read what the subscriber sends (its HELLO, heartbeats, an ERROR frame) until it closes the connection, within
     * 5 s (a 500 ms heartbeat timeout, or a protocol error, with slack for a loaded machine).
     */
    private static void awaitClosedByPeer(final Socket socket) throws java.io.IOException
    {
        socket.setSoTimeout(1_000);
        final java.io.InputStream in = socket.getInputStream();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        final byte[] bytes = new byte[256];
        while (true)
        {
            assertThat(System.nanoTime()).as("closed by the subscriber in time").isLessThan(deadline);
            try
            {
                if (in.read(bytes) < 0)
                {
                    return;
                }
            }
            catch (final java.net.SocketTimeoutException ex)
            {
                // Nothing for a second: look at the deadline again.
            }
        }
    }

    private static boolean asleep(final Subscription subscription)
    {
        return ((PolledTcpSubscription)subscription).isAsleepOnSockets();
    }

    private static int readers(final Subscription subscription)
    {
        return ((PolledTcpSubscription)subscription).readerCount();
    }

    private static byte[] payload(final long value)
    {
        return ByteBuffer.allocate(32).putLong(0, value).array();
    }

    private static void awaitTrue(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
            sleep(1);
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
