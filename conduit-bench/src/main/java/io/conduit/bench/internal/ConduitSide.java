package io.conduit.bench.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Header;
import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * Conduit through its public API only. Both sides poll on their own thread with the workload's idle strategy,
 * which is also Conduit's for its own threads.
 * <p>
 * Over TCP subscriptions listen on an ephemeral port and publications connect, so ping-pong uses one endpoint
 * per direction: the ponger listens for pings, the pinger for pongs. Over shared memory both sides open one
 * endpoint named for the run, {@code shm:<run>?idle=<idle>}, pings on one stream and pongs on the next; only the
 * URI differs.
 */
final class ConduitSide implements Side
{
    /** Stream id used by every scenario. */
    static final int STREAM_ID = 1001;
    /** Stream of the pongs when both directions share one endpoint (shared memory). */
    static final int PONG_STREAM_ID = STREAM_ID + 1;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int POLL_LIMIT = 256;
    /** A round trip that takes this long lost a message: the pinger fails rather than wait for the watchdog. */
    private static final long PONG_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int PONG_CHECK_MASK = 0xFFF;

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        final IdleStrategy idle = Waiting.idleStrategy(workload.idle());
        final boolean block = Waiting.isBlocking(workload.idle());
        final boolean shm = workload.scenario().transport() == Scenario.Transport.SHM;
        try (Conduit conduit = launch(workload);
            Publication publication = conduit.addPublication(uri(workload, workload.connectPort()), STREAM_ID))
        {
            if (workload.scenario().isLatency() && Waiting.isInline(workload.idle()))
            {
                pingInline(workload, channel, conduit, publication, idle);
            }
            else if (workload.scenario().isLatency())
            {
                try (Subscription pongs =
                    conduit.addSubscription(subscriptionUri(workload), shm ? PONG_STREAM_ID : STREAM_ID))
                {
                    if (!shm)
                    {
                        channel.announcePort(pongs.endpoint().port());
                    }
                    awaitConnected(() -> publication.isConnected() && pongs.isConnected(), idle, "ping-pong");
                    ping(workload, channel, publication, pongs, idle, block);
                    SideMain.awaitRelease(channel);
                }
            }
            else
            {
                awaitConnected(publication::isConnected, idle, "stream");
                stream(workload, channel, publication, idle);
                SideMain.awaitRelease(channel);
            }
        }
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        final IdleStrategy idle = Waiting.idleStrategy(workload.idle());
        final boolean block = Waiting.isBlocking(workload.idle());
        final boolean shm = workload.scenario().transport() == Scenario.Transport.SHM;
        if (Waiting.isInline(workload.idle()))
        {
            pongInline(workload, channel, idle);
            return;
        }
        try (Conduit conduit = launch(workload);
            Subscription subscription = conduit.addSubscription(subscriptionUri(workload), STREAM_ID))
        {
            channel.announcePort(shm ? 0 : subscription.endpoint().port());
            if (workload.scenario().isLatency())
            {
                final int pingerPort = shm ? 0 :
                    channel.awaitPeerPort(TimeUnit.NANOSECONDS.toMillis(CONNECT_TIMEOUT_NS));
                try (Publication pongs =
                    conduit.addPublication(uri(workload, pingerPort), shm ? PONG_STREAM_ID : STREAM_ID))
                {
                    pong(subscription, pongs, idle, block);
                    SideMain.awaitRelease(channel);
                }
            }
            else
            {
                receive(workload, channel, subscription, idle, block);
                SideMain.awaitRelease(channel);
            }
        }
    }

    /**
     * Over shared memory the data path is the bench's own polling thread; Conduit's background threads keep
     * their default (back-off) so that they do not spin on the CPU that side is pinned to.
     */
    private static Conduit launch(final Workload workload)
    {
        if (workload.scenario().transport() == Scenario.Transport.SHM)
        {
            return Conduit.launch(new Conduit.Context());
        }
        return Conduit.launch(new Conduit.Context().idleStrategy(Waiting.idleStrategy(workload.idle()).toString()));
    }

    /**
     * @param workload of the run.
     * @param port     to connect to; unused over shared memory.
     * @return the URI a publication opens.
     */
    static String uri(final Workload workload, final int port)
    {
        if (workload.scenario().transport() == Scenario.Transport.SHM)
        {
            return "shm:" + workload.runName();
        }
        return "tcp://127.0.0.1:" + port;
    }

    /**
     * @param workload of the run.
     * @return the URI a subscription opens: an ephemeral port over TCP, read by the poller with {@code --idle
     * poller}; over shared memory the run's endpoint with the idle strategy of its blocking poll (the transport's
     * default when polls block).
     */
    static String subscriptionUri(final Workload workload)
    {
        if (workload.scenario().transport() == Scenario.Transport.SHM && !Waiting.isBlocking(workload.idle()))
        {
            return uri(workload, 0) + "?idle=" + workload.idle();
        }
        if (Waiting.isPoller(workload.idle()))
        {
            return uri(workload, 0) + "?delivery=poller";
        }
        return uri(workload, 0);
    }

    private static void awaitConnected(final BooleanSupplier connected, final IdleStrategy idle, final String what)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!connected.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("not connected in time: scenario=" + what + ", timeoutMs=" +
                    TimeUnit.NANOSECONDS.toMillis(CONNECT_TIMEOUT_NS));
            }
            idle.idle();
        }
        idle.reset();
    }

    private static void ping(
        final Workload workload,
        final SideChannel channel,
        final Publication publication,
        final Subscription pongs,
        final IdleStrategy idle,
        final boolean block) throws Exception
    {
        final long[] echoed = new long[1];
        final MessageHandler onPong = (buffer, offset, length, header) -> echoed[0] = Messages.sequence(buffer, offset);
        final PingClient client = new Pinger(workload, publication, pongs, idle)
        {
            @Override
            public long awaitPong()
            {
                int polls = 0;
                long deadlineNs = 0;
                while (poll(pongs, onPong, 1, idle, block) == 0)
                {
                    if ((++polls & PONG_CHECK_MASK) == 0)
                    {
                        final long nowNs = System.nanoTime();
                        if (deadlineNs == 0)
                        {
                            deadlineNs = nowNs + PONG_TIMEOUT_NS;
                        }
                        else if (nowNs - deadlineNs >= 0)
                        {
                            throw new IllegalStateException("no pong in time, a message was lost: timeoutMs=" +
                                TimeUnit.NANOSECONDS.toMillis(PONG_TIMEOUT_NS) + ", counters=" + counters());
                        }
                    }
                }
                idle.reset();
                return echoed[0];
            }
        };
        new PingerLoop(workload, client, idle).run(channel);
    }

    /**
     * The part of a pinger that does not depend on how pongs are received: sending, and the counters.
     */
    private abstract static class Pinger implements PingClient
    {
        private final ByteBuffer message;
        private final Publication publication;
        private final Subscription pongs;
        private final IdleStrategy idle;

        Pinger(final Workload workload, final Publication publication, final Subscription pongs, final IdleStrategy idle)
        {
            this.message = Messages.allocate(workload.sizeBytes());
            this.publication = publication;
            this.pongs = pongs;
            this.idle = idle;
        }

        @Override
        public void ping(final long sequence)
        {
            message.putLong(0, sequence);
            offer(publication, message, idle);
        }

        @Override
        public Map<String, Object> counters()
        {
            return ConduitSide.counters(publication, pongs);
        }
    }

    /**
     * Ping-pong with the pongs handled on the I/O thread ({@code ?delivery=inline}): the handler notes when each
     * pong arrived, and the pinger, waiting for it by yielding (a park would cost a wake-up), records the round
     * trip to that moment.
     */
    private static void pingInline(
        final Workload workload,
        final SideChannel channel,
        final Conduit conduit,
        final Publication publication,
        final IdleStrategy idle) throws Exception
    {
        final AtomicLong pongsArrived = new AtomicLong();
        final long[] echoed = new long[1];
        final long[] arrivedNs = new long[1];
        final MessageHandler onPong = (buffer, offset, length, header) ->
        {
            arrivedNs[0] = System.nanoTime();
            echoed[0] = Messages.sequence(buffer, offset);
            // The release publishes both fields to the pinger.
            pongsArrived.incrementAndGet();
        };
        try (Subscription pongs = conduit.addSubscription(uri(workload, 0) + "?delivery=inline", STREAM_ID, onPong))
        {
            channel.announcePort(pongs.endpoint().port());
            awaitConnected(() -> publication.isConnected() && pongs.isConnected(), idle, "ping-pong");
            final PingClient client = new Pinger(workload, publication, pongs, idle)
            {
                private long pongsTaken;

                @Override
                public long awaitPong()
                {
                    final long deadlineNs = System.nanoTime() + PONG_TIMEOUT_NS;
                    while (pongsArrived.get() == pongsTaken)
                    {
                        if (System.nanoTime() - deadlineNs >= 0)
                        {
                            throw new IllegalStateException("no pong in time, a message was lost: timeoutMs=" +
                                TimeUnit.NANOSECONDS.toMillis(PONG_TIMEOUT_NS) + ", counters=" + counters());
                        }
                        idle.idle();
                    }
                    idle.reset();
                    pongsTaken++;
                    return echoed[0];
                }

                @Override
                public long lastPongArrivalNs()
                {
                    return arrivedNs[0];
                }
            };
            new PingerLoop(workload, client, idle).run(channel);
            SideMain.awaitRelease(channel);
        }
    }

    /**
     * The responder of {@link #pingInline}: echoes each ping from the I/O thread that read it.
     */
    private static void pongInline(final Workload workload, final SideChannel channel, final IdleStrategy idle)
        throws Exception
    {
        final AtomicReference<Publication> pongs = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final MessageHandler echo = (buffer, offset, length, header) ->
        {
            offer(pongs.get(), buffer, offset, length, idle);
            if (Messages.sequence(buffer, offset) == Workload.END_SEQUENCE)
            {
                ended.countDown();
            }
        };
        try (Conduit conduit = launch(workload);
            Subscription pings = conduit.addSubscription(uri(workload, 0) + "?delivery=inline", STREAM_ID, echo))
        {
            channel.announcePort(pings.endpoint().port());
            final int pingerPort = channel.awaitPeerPort(TimeUnit.NANOSECONDS.toMillis(CONNECT_TIMEOUT_NS));
            try (Publication publication = conduit.addPublication(uri(workload, pingerPort), STREAM_ID))
            {
                // Set before the pinger sees this side connected, so before the first ping.
                pongs.set(publication);
                while (!ended.await(Waiting.BLOCK_SLICE_NS, TimeUnit.NANOSECONDS))
                {
                    if (pings.isClosed())
                    {
                        throw new IllegalStateException("subscription closed before the end of the pings");
                    }
                }
                SideMain.awaitRelease(channel);
            }
        }
    }

    private static void pong(
        final Subscription pings, final Publication pongs, final IdleStrategy idle, final boolean block)
    {
        final boolean[] ended = new boolean[1];
        final MessageHandler echo = (buffer, offset, length, header) ->
        {
            offer(pongs, buffer, offset, length, idle);
            ended[0] = Messages.sequence(buffer, offset) == Workload.END_SEQUENCE;
        };
        while (!ended[0])
        {
            poll(pings, echo, 1, idle, block);
        }
    }

    private static void stream(
        final Workload workload,
        final SideChannel channel,
        final Publication publication,
        final IdleStrategy idle)
    {
        final ByteBuffer message = Messages.allocate(workload.sizeBytes());
        final int length = workload.sizeBytes();
        long sent = 0;
        long backPressured = 0;
        while (!channel.stopRequested())
        {
            message.putLong(0, sent);
            final long result = publication.offer(message, 0, length);
            if (result > 0)
            {
                sent++;
                idle.reset();
            }
            else if (result == Publication.BACK_PRESSURED || result == Publication.NOT_CONNECTED)
            {
                backPressured++;
                idle.idle();
            }
            else
            {
                throw new IllegalStateException("offer failed: result=" + result + ", sent=" + sent);
            }
        }
        message.putLong(0, Workload.END_SEQUENCE);
        publication.send(message, 0, length, Duration.ofSeconds(10));
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", sent);
        result.put("backPressured", backPressured);
        channel.result(result);
    }

    private static void receive(
        final Workload workload,
        final SideChannel channel,
        final Subscription subscription,
        final IdleStrategy idle,
        final boolean block)
    {
        final StreamMeter meter = new StreamMeter(workload, channel);
        final MessageHandler onMessage =
            (final ByteBuffer buffer, final int offset, final int length, final Header header) ->
                meter.onMessage(Messages.sequence(buffer, offset));
        while (!meter.ended())
        {
            poll(subscription, onMessage, POLL_LIMIT, idle, block);
            meter.polled();
            meter.tick(System.nanoTime());
        }
        final Map<String, Object> result = meter.result();
        result.put("counters", counters(null, subscription));
        channel.result(result);
    }

    /**
     * @return what went wrong on the way, if anything: back-pressure, messages lost, evictions, errors.
     */
    private static Map<String, Object> counters(final Publication publication, final Subscription subscription)
    {
        final Map<String, Object> counters = new LinkedHashMap<>();
        if (publication != null)
        {
            counters.put("backPressured", publication.counters().get(Counter.BACK_PRESSURED));
        }
        counters.put("messagesLost", subscription.counters().get(Counter.MESSAGES_LOST));
        counters.put("evictions", subscription.counters().get(Counter.EVICTIONS));
        counters.put("protocolErrors", subscription.counters().get(Counter.PROTOCOL_ERRORS));
        return counters;
    }

    /**
     * Poll once: blocking until a message arrives (for a while), or polling then idling.
     */
    private static int poll(
        final Subscription subscription,
        final MessageHandler handler,
        final int limit,
        final IdleStrategy idle,
        final boolean block)
    {
        if (block)
        {
            return subscription.poll(handler, limit, Waiting.BLOCK_SLICE_NS);
        }
        final int delivered = subscription.poll(handler, limit);
        idle.idle(delivered);
        return delivered;
    }

    private static void offer(final Publication publication, final ByteBuffer buffer, final IdleStrategy idle)
    {
        offer(publication, buffer, 0, buffer.capacity(), idle);
    }

    private static void offer(
        final Publication publication,
        final ByteBuffer buffer,
        final int offset,
        final int length,
        final IdleStrategy idle)
    {
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (result != Publication.BACK_PRESSURED && result != Publication.NOT_CONNECTED)
            {
                throw new IllegalStateException("offer failed: result=" + result);
            }
            idle.idle();
        }
        idle.reset();
    }
}
