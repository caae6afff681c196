package io.conduit.internal.tcp;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.netty.channel.epoll.Epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTransportTest
{
    private final Conduit conduit = Conduit.launch(new Conduit.Context().timestamps(true));

    @AfterEach
    void close()
    {
        conduit.close();
    }

    @Test
    void shouldDeliverMessagesInOrderOverLoopback()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 3);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 3);
        awaitTrue(pub::isConnected);
        assertThat(sub.isConnected()).isTrue();

        final int count = 200_000;
        final ByteBuffer msg = ByteBuffer.allocateDirect(64);
        final long[] next = {0};
        int sent = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (next[0] < count && System.nanoTime() < deadline)
        {
            if (sent < count)
            {
                msg.putLong(0, sent);
                if (pub.offer(msg, 0, 64) > 0)
                {
                    sent++;
                }
            }
            sub.poll((buffer, offset, length, header) ->
            {
                assertThat(buffer.getLong(offset)).isEqualTo(next[0]);
                assertThat(header.sequence()).isEqualTo(next[0]);
                next[0]++;
            }, 100);
        }
        assertThat(next[0]).isEqualTo(count);
        assertThat(sub.counters().get(Counter.MESSAGES_RECEIVED)).isEqualTo(count);
        assertThat(sub.counters().latencyHistogram().getTotalCount()).isEqualTo(count);
    }

    @Test
    void shouldReassembleMessagesLargerThanTheWindow()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 1);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 1);
        awaitTrue(pub::isConnected);
        final int[] sizes = {1, 65_536, 300_000, 5 * 1024 * 1024, 7};
        int sent = 0;
        final int[] received = {0};
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received[0] < sizes.length && System.nanoTime() < deadline)
        {
            if (sent < sizes.length)
            {
                final byte[] bytes = new byte[sizes[sent]];
                bytes[bytes.length - 1] = (byte)sent;
                if (pub.offer(bytes) > 0)
                {
                    sent++;
                }
            }
            sub.poll((buffer, offset, length, header) ->
            {
                assertThat(length).isEqualTo(sizes[received[0]]);
                assertThat(buffer.get(offset + length - 1)).isEqualTo((byte)received[0]);
                received[0]++;
            }, 10);
        }
        assertThat(received[0]).isEqualTo(sizes.length);
    }

    @Test
    void shouldBackPressureWhenTheSubscriberStopsPollingAndLoseNothingAccepted()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 4);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 4);
        awaitTrue(pub::isConnected);

        // Nobody polls: the subscription's buffer, the sockets and then the publication's window fill up, and
        // offers are refused instead of queueing without bound. A gigabyte of offers, were they all accepted.
        final byte[] message = new byte[1024];
        final int offers = 1_000_000;
        final ByteBuffer sequence = ByteBuffer.wrap(message);
        long accepted = 0;
        long result = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < offers && System.nanoTime() < deadline; i++)
        {
            sequence.putLong(0, accepted);
            result = pub.offer(message);
            if (result > 0)
            {
                accepted++;
            }
        }
        assertThat(result).isEqualTo(Publication.BACK_PRESSURED);
        assertThat(accepted * message.length)
            .as("bytes accepted before back-pressure: bounded by the windows and buffers, not by the heap")
            .isLessThan(64L * 1024 * 1024);
        assertThat(pub.counters().get(Counter.BACK_PRESSURED)).isPositive();

        final long[] next = {0};
        while (next[0] < accepted && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(20))
        {
            sub.poll((buffer, offset, length, header) ->
            {
                assertThat(buffer.getLong(offset)).isEqualTo(next[0]);
                next[0]++;
            }, 100);
        }
        assertThat(next[0]).as("every accepted message arrives, in order").isEqualTo(accepted);
        assertThat(pub.offer(message)).as("the window opens again").isPositive();
    }

    @Test
    void shouldRefuseMessagesOverTheMaximumAndDropOnesOverTheSubscribersMaximum()
    {
        try (Conduit small = Conduit.launch(new Conduit.Context().maxMessageLength(1024 * 1024));
            Conduit large = Conduit.launch(new Conduit.Context().maxMessageLength(4 * 1024 * 1024)))
        {
            final Subscription sub = small.addSubscription("tcp://127.0.0.1:0", 5);
            final Publication toSmall = small.addPublication(sub.endpoint().address(), 5);
            final Publication fromLarge = large.addPublication(sub.endpoint().address(), 5);
            awaitTrue(() -> toSmall.isConnected() && fromLarge.isConnected());

            assertThat(toSmall.offer(new byte[1024 * 1024 + 1])).isEqualTo(Publication.MAX_SIZE_EXCEEDED);
            assertThat(toSmall.offer(new byte[1024 * 1024])).isPositive();
            // A peer with a larger limit sends more than this subscriber takes: counted and dropped, and the
            // connection carries on with the next message.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (fromLarge.offer(new byte[2 * 1024 * 1024]) < 0)
            {
                assertThat(System.nanoTime()).isLessThan(deadline);
            }
            while (fromLarge.offer(new byte[] {42}) < 0)
            {
                assertThat(System.nanoTime()).isLessThan(deadline);
            }
            final int[] lengths = new int[3];
            final int[] count = {0};
            while (count[0] < 2 && System.nanoTime() < deadline)
            {
                sub.poll((buffer, offset, length, header) -> lengths[count[0]++] = length, 10);
            }
            assertThat(count[0]).isEqualTo(2);
            assertThat(lengths[0] + lengths[1]).isEqualTo(1024 * 1024 + 1);
            assertThat(sub.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
            assertThat(sub.poll((buffer, offset, length, header) -> count[0]++, 10)).isZero();
        }
    }

    @Test
    void shouldDeliverEveryMessageToEverySubscriptionOfAStreamOnOnePortFromManyPublications()
    {
        final Subscription first = conduit.addSubscription("tcp://127.0.0.1:0", 6);
        final String address = first.endpoint().address();
        final Subscription second = conduit.addSubscription(address, 6);
        final Subscription otherStream = conduit.addSubscription(address, 7);
        final Publication a = conduit.addPublication(address, 6);
        final Publication b = conduit.addPublication(address, 6);
        awaitTrue(() -> a.isConnected() && b.isConnected());

        final int perPublication = 1_000;
        final Map<Integer, long[]> nextBySession = new HashMap<>();
        final int[] received = new int[2];
        int sentA = 0;
        int sentB = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((received[0] < 2 * perPublication || received[1] < 2 * perPublication) && System.nanoTime() < deadline)
        {
            if (sentA < perPublication && a.offer(longMessage(sentA)) > 0)
            {
                sentA++;
            }
            if (sentB < perPublication && b.offer(longMessage(sentB)) > 0)
            {
                sentB++;
            }
            for (int i = 0; i < 2; i++)
            {
                final int index = i;
                (i == 0 ? first : second).poll((buffer, offset, length, header) ->
                {
                    // Per subscription and publication, in order.
                    final long[] next = nextBySession.computeIfAbsent(header.sessionId(), k -> new long[2]);
                    assertThat(buffer.getLong(offset)).isEqualTo(next[index]++);
                    received[index]++;
                }, 100);
            }
        }
        assertThat(received).containsExactly(2 * perPublication, 2 * perPublication);
        assertThat(nextBySession).containsOnlyKeys(a.sessionId(), b.sessionId());
        assertThat(otherStream.poll((buffer, offset, length, header) -> { }, 100))
            .as("another stream on the same port gets none of it").isZero();
    }

    @Test
    void shouldDeliverOverTheNativeEpollTransportWhenAskedFor()
    {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        try (Conduit epoll = Conduit.launch(new Conduit.Context().nativeTransport(true)))
        {
            final Subscription sub = epoll.addSubscription("tcp://127.0.0.1:0", 8);
            final Publication pub = epoll.addPublication(sub.endpoint().address(), 8);
            awaitTrue(pub::isConnected);
            final int count = 10_000;
            int sent = 0;
            final long[] next = {0};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (next[0] < count && System.nanoTime() < deadline)
            {
                if (sent < count && pub.offer(longMessage(sent)) > 0)
                {
                    sent++;
                }
                sub.poll((buffer, offset, length, header) ->
                    assertThat(buffer.getLong(offset)).isEqualTo(next[0]++), 100);
            }
            assertThat(next[0]).isEqualTo(count);
        }
    }

    private static byte[] longMessage(final long value)
    {
        final byte[] bytes = new byte[64];
        ByteBuffer.wrap(bytes).putLong(0, value);
        return bytes;
    }

    @Test
    void shouldFanOutFromListeningPublicationToEverySubscriber()
    {
        final Publication pub = conduit.addPublication("tcp://127.0.0.1:0?listen=publisher", 9);
        final String uri = pub.endpoint().address() + "?listen=publisher";
        final Subscription first = conduit.addSubscription(uri, 9);
        final Subscription second = conduit.addSubscription(uri, 9);
        awaitTrue(() -> first.isConnected() && second.isConnected());
        awaitTrue(() -> pub.offer(new byte[] {42}) > 0);
        final int[] got = new int[2];
        awaitTrue(() ->
        {
            first.poll((b, o, l, h) -> got[0]++, 10);
            second.poll((b, o, l, h) -> got[1]++, 10);
            return got[0] == 1 && got[1] == 1;
        });
    }

    @Test
    void shouldKeepRetryingUntilSubscriberAppears()
    {
        Publication pub = null;
        Subscription sub = null;
        // A port freed by the probe may be taken by any socket on the machine before we bind it again: try another.
        for (int attempt = 0; sub == null; attempt++)
        {
            final Subscription probe = conduit.addSubscription("tcp://127.0.0.1:0", 5);
            final String uri = probe.endpoint().address();
            probe.close();
            pub = conduit.addPublication(uri, 5);
            assertThat(pub.offer(new byte[8])).isEqualTo(Publication.NOT_CONNECTED);
            try
            {
                sub = conduit.addSubscription(uri, 5);
            }
            catch (final ConduitException ex)
            {
                assertThat(ex.code()).isEqualTo(ErrorCode.ADDRESS_IN_USE);
                assertThat(attempt).isLessThan(5);
                pub.close();
            }
        }
        final Publication publication = pub;
        awaitTrue(publication::isConnected);
        publication.send(new byte[] {1, 2, 3}, Duration.ofSeconds(5));
        final Subscription subscription = sub;
        final int[] got = {0};
        awaitTrue(() -> subscription.poll((b, o, l, h) -> got[0] += l, 10) > 0);
        assertThat(got[0]).isEqualTo(3);
    }

    @Test
    void shouldDeliverEverythingOfferedBeforeClose()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 4);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 4);
        awaitTrue(pub::isConnected);
        final int count = 10_000;
        final byte[] msg = new byte[100];
        for (int i = 0; i < count; i++)
        {
            pub.send(msg, Duration.ofSeconds(5));
        }
        pub.close();
        final int[] got = {0};
        awaitTrue(() ->
        {
            sub.poll((b, o, l, h) -> got[0]++, 1000);
            return got[0] == count && !sub.isConnected();
        });
    }

    @Test
    void shouldCountMessagesLostWhenConnectionBreaksMidStream() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 6);
        try (CuttingProxy proxy = new CuttingProxy(sub.endpoint().port(), 200_000))
        {
            final Publication pub = conduit.addPublication("tcp://127.0.0.1:" + proxy.port(), 6);
            final long[] expected = {0};
            final long[] gaps = {0};
            final long[] received = {0};
            final byte[] msg = new byte[200];
            long sent = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((proxy.connections() < 2 || received[0] + gaps[0] < sent) && System.nanoTime() < deadline)
            {
                if (sent < 20_000 && pub.offer(msg) > 0)
                {
                    sent++;
                }
                sub.poll((b, o, l, h) ->
                {
                    gaps[0] += h.sequence() - expected[0];
                    expected[0] = h.sequence() + 1;
                    received[0]++;
                }, 100);
            }
            assertThat(proxy.connections()).isEqualTo(2);
            assertThat(gaps[0]).isPositive();
            assertThat(sub.counters().get(Counter.MESSAGES_LOST)).isEqualTo(gaps[0]);
        }
    }

    @Test
    void shouldWakeBlockedPollerWhenMessageArrives() throws Exception
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0", 8);
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 8);
        awaitTrue(pub::isConnected);
        assertThat(sub.poll((b, o, l, h) -> { }, 10, TimeUnit.MILLISECONDS.toNanos(50))).isZero();

        // The poll may wait an hour: only the transport's wake-up can end it before the join gives up.
        final int[] got = {0};
        final Thread poller = new Thread(() -> got[0] = sub.poll((b, o, l, h) -> { }, 10, TimeUnit.HOURS.toNanos(1)));
        poller.start();
        awaitTrue(() -> poller.getState() == Thread.State.TIMED_WAITING);
        pub.send(new byte[] {7}, Duration.ofSeconds(5));
        poller.join(TimeUnit.SECONDS.toMillis(20));
        final boolean stillWaiting = poller.isAlive();
        poller.interrupt();
        assertThat(stillWaiting).isFalse();
        assertThat(got[0]).isEqualTo(1);
    }

    static void awaitTrue(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("condition not met in time");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
