package io.conduit;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConduitLifecycleTest
{
    private static final MessageHandler IGNORE = (buffer, offset, length, header) ->
    {
    };

    @Test
    void shouldCloseIdempotently()
    {
        final Conduit conduit = Conduit.launch();
        final Publication pub = conduit.addPublication("inproc:lifecycle-idempotent", 1);
        final Subscription sub = conduit.addSubscription("inproc:lifecycle-idempotent", 1);

        pub.close();
        pub.close();
        sub.close();
        sub.close();
        conduit.close();
        conduit.close();

        assertThat(pub.isClosed()).isTrue();
        assertThat(sub.isClosed()).isTrue();
        assertThat(conduit.isClosed()).isTrue();
    }

    @Test
    void shouldCloseEverythingItMadeWhenConduitCloses()
    {
        final Conduit conduit = Conduit.launch();
        final Publication pub = conduit.addPublication("inproc:lifecycle-owner", 1);
        final Subscription sub = conduit.addSubscription("inproc:lifecycle-owner", 1);

        conduit.close();

        assertThat(pub.isClosed()).isTrue();
        assertThat(sub.isClosed()).isTrue();
        assertThat(pub.isConnected()).isFalse();
    }

    @Test
    void shouldReturnClosedWhenOfferingAfterClose()
    {
        try (Conduit conduit = Conduit.launch();
            Subscription ignored = conduit.addSubscription("inproc:lifecycle-offer", 1))
        {
            final Publication pub = conduit.addPublication("inproc:lifecycle-offer", 1);
            assertThat(pub.offer(new byte[8])).isPositive();
            pub.close();

            assertThat(pub.offer(new byte[8])).isEqualTo(Publication.CLOSED);
            assertThat(pub.offer(ByteBuffer.allocateDirect(8), 0, 8)).isEqualTo(Publication.CLOSED);
            assertThatThrownBy(() -> pub.send(new byte[8], Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConduitException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CLOSED));
        }
    }

    @Test
    void shouldThrowClosedWhenPollingAfterClose()
    {
        try (Conduit conduit = Conduit.launch())
        {
            final Subscription sub = conduit.addSubscription("inproc:lifecycle-poll", 1);
            sub.close();

            assertThatThrownBy(() -> sub.poll(IGNORE, 10))
                .isInstanceOfSatisfying(ConduitException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CLOSED))
                .hasMessageContaining("inproc:lifecycle-poll");
        }
    }

    @Test
    void shouldRefuseNewEndpointsAfterConduitCloses()
    {
        final Conduit conduit = Conduit.launch();
        conduit.close();

        assertThatThrownBy(() -> conduit.addPublication("inproc:lifecycle-late", 1))
            .isInstanceOfSatisfying(ConduitException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CLOSED));
        assertThatThrownBy(() -> conduit.addSubscription("inproc:lifecycle-late", 1))
            .isInstanceOfSatisfying(ConduitException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void shouldSayWhichSchemeIsNotSupportedYet()
    {
        final String uri = "udp://127.0.0.1:40123";
        final String scheme = "udp";
        try (Conduit conduit = Conduit.launch())
        {
            assertThatThrownBy(() -> conduit.addPublication(uri, 1))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ENDPOINT))
                .hasMessageContaining("not supported yet: scheme=" + scheme);
            assertThatThrownBy(() -> conduit.addSubscription(uri, 1))
                .hasMessageContaining("not supported yet: scheme=" + scheme);
        }
    }

    @Test
    void shouldRejectInvalidUriWithIllegalArgument()
    {
        try (Conduit conduit = Conduit.launch())
        {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> conduit.addPublication("inproc:x?bogus=1", 1))
                .withMessageContaining("option=bogus");
        }
    }

    @Test
    void shouldReportConnectionStateOfInprocPeers()
    {
        try (Conduit conduit = Conduit.launch())
        {
            final Publication pub = conduit.addPublication("inproc:lifecycle-connected", 1);
            assertThat(pub.isConnected()).isFalse();
            assertThat(pub.offer(new byte[1])).isEqualTo(Publication.NOT_CONNECTED);
            assertThat(pub.counters().get(Counter.NOT_CONNECTED)).isEqualTo(1);

            final Subscription sub = conduit.addSubscription("inproc:lifecycle-connected", 1);
            assertThat(pub.isConnected()).isTrue();
            assertThat(sub.isConnected()).isTrue();

            pub.close();
            assertThat(sub.isConnected()).isFalse();
        }
    }

    @Test
    void shouldTimeOutSendWhileNotConnected()
    {
        try (Conduit conduit = Conduit.launch();
            Publication pub = conduit.addPublication("inproc:lifecycle-send-timeout", 1))
        {
            final long startNs = System.nanoTime();
            assertThatThrownBy(() -> pub.send(new byte[4], Duration.ofMillis(200)))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.TIMED_OUT))
                .hasMessageContaining("NOT_CONNECTED");
            assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    @Test
    void shouldRecordHowLongEachSendTookInThePublicationsLatencyHistogram() throws Exception
    {
        try (Conduit conduit = Conduit.launch();
            Publication pub = conduit.addPublication("inproc:lifecycle-send-latency", 1))
        {
            // No subscriber yet: the send waits until one comes, 200 ms after the send began.
            final Thread late = new Thread(() ->
            {
                try
                {
                    // Until the send has tried once (bounded: the send gives up after 10 s anyway).
                    final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (pub.counters().get(Counter.NOT_CONNECTED) == 0 && System.nanoTime() < deadlineNs)
                    {
                        Thread.sleep(1);
                    }
                    // The wait the send must then record.
                    Thread.sleep(200);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                conduit.addSubscription("inproc:lifecycle-send-latency", 1);
            });
            late.start();
            assertThat(pub.send(new byte[8], Duration.ofSeconds(10))).isPositive();
            late.join();
            assertThat(pub.send(new byte[8], Duration.ofSeconds(10))).isPositive();
            assertThat(pub.offer(new byte[8])).as("offers record nothing").isPositive();

            final org.HdrHistogram.Histogram sends = pub.counters().latencyHistogram();
            assertThat(sends.getTotalCount()).isEqualTo(2);
            assertThat(sends.getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
            assertThat(sends.getMinValue()).as("the second send did not wait").isLessThan(sends.getMaxValue());
        }
    }

    @Test
    void shouldRefuseTooLargeMessageOnSend()
    {
        try (Conduit conduit = Conduit.launch(new Conduit.Context().maxMessageLength(1024));
            Subscription ignored = conduit.addSubscription("inproc:lifecycle-too-large", 1);
            Publication pub = conduit.addPublication("inproc:lifecycle-too-large", 1))
        {
            assertThat(pub.offer(new byte[1025])).isEqualTo(Publication.MAX_SIZE_EXCEEDED);
            assertThatThrownBy(() -> pub.send(new byte[1025], Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE))
                .hasMessageContaining("length=1025");
        }
    }

    @Test
    void shouldDeliverToCallbackSubscriptionOnAgentThreadAndRefusePoll() throws InterruptedException
    {
        final BlockingQueue<String> threadNames = new ArrayBlockingQueue<>(16);
        try (Conduit conduit = Conduit.launch();
            Subscription sub = conduit.addSubscription("inproc:lifecycle-callback", 1,
                (buffer, offset, length, header) -> threadNames.add(Thread.currentThread().getName()));
            Publication pub = conduit.addPublication("inproc:lifecycle-callback", 1))
        {
            pub.send(new byte[16], Duration.ofSeconds(5));
            pub.send(new byte[16], Duration.ofSeconds(5));

            assertThat(threadNames.poll(5, TimeUnit.SECONDS)).isEqualTo("conduit-subscriber");
            assertThat(threadNames.poll(5, TimeUnit.SECONDS)).isEqualTo("conduit-subscriber");
            assertThatIllegalStateException().isThrownBy(() -> sub.poll(IGNORE, 10));
        }
    }

    @Test
    void shouldCountHandlerFailureAndKeepDelivering() throws InterruptedException
    {
        final AtomicInteger calls = new AtomicInteger();
        final BlockingQueue<Integer> delivered = new ArrayBlockingQueue<>(16);
        try (Conduit conduit = Conduit.launch();
            Subscription sub = conduit.addSubscription("inproc:lifecycle-handler-failure", 1,
                (buffer, offset, length, header) ->
                {
                    if (calls.incrementAndGet() == 1)
                    {
                        throw new IllegalStateException("handler failure injected by test");
                    }
                    delivered.add(length);
                });
            Publication pub = conduit.addPublication("inproc:lifecycle-handler-failure", 1))
        {
            pub.send(new byte[1], Duration.ofSeconds(5));
            pub.send(new byte[2], Duration.ofSeconds(5));

            assertThat(delivered.poll(5, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(sub.counters().get(Counter.ERRORS)).isEqualTo(1);
        }
    }

    @Test
    void shouldStopDeliveringToCallbackSubscriptionOnceClosed() throws InterruptedException
    {
        final BlockingQueue<Integer> delivered = new ArrayBlockingQueue<>(16);
        try (Conduit conduit = Conduit.launch();
            Publication pub = conduit.addPublication("inproc:lifecycle-callback-close", 1))
        {
            final Subscription sub = conduit.addSubscription("inproc:lifecycle-callback-close", 1,
                (buffer, offset, length, header) -> delivered.add(length));
            pub.send(new byte[3], Duration.ofSeconds(5));
            assertThat(delivered.poll(5, TimeUnit.SECONDS)).isEqualTo(3);

            sub.close();

            assertThat(pub.offer(new byte[4])).isEqualTo(Publication.NOT_CONNECTED);
            assertThat(sub.counters().get(Counter.ERRORS)).isZero();
        }
    }
}
