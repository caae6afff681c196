package io.conduit.bench.internal;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Aeron over {@code aeron:ipc}, used as Aeron's own samples use it: a client connected to the media driver
 * process of the run ({@link AeronDriverMain}); ping-pong as in {@code Ping}/{@code Pong} (offer until it
 * succeeds, poll the pong image through a {@link FragmentAssembler}, echo by offering the ping's bytes); streaming
 * as in {@code EmbeddedThroughput} (offer as fast as back-pressure allows, poll through a
 * {@link FragmentAssembler} so that messages longer than the MTU are whole). Pings go on stream 1001, pongs on
 * 1002. Polls and failed offers idle with Agrona's strategy of the same name as {@code --idle} ({@code block},
 * which Aeron has no equivalent of, yields).
 */
final class AeronIpcSide implements Side
{
    /** The channel: shared memory between clients of one driver. */
    static final String CHANNEL = "aeron:ipc";
    private static final int PING_STREAM_ID = ConduitSide.STREAM_ID;
    private static final int PONG_STREAM_ID = ConduitSide.PONG_STREAM_ID;
    private static final int PING_FRAGMENT_LIMIT = 10;
    private static final int STREAM_FRAGMENT_LIMIT = 256;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        final IdleStrategy idle = idleStrategy(workload.idle());
        try (Aeron aeron = Aeron.connect(context(workload));
            Publication publication = aeron.addPublication(CHANNEL, PING_STREAM_ID))
        {
            if (workload.scenario().isLatency())
            {
                try (Subscription pongs = aeron.addSubscription(CHANNEL, PONG_STREAM_ID))
                {
                    awaitConnected(publication, pongs);
                    ping(workload, channel, publication, pongs.imageAtIndex(0), idle);
                    SideMain.awaitRelease(channel);
                }
            }
            else
            {
                awaitConnected(publication, null);
                stream(workload, channel, publication, idle);
                SideMain.awaitRelease(channel);
            }
        }
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        final IdleStrategy idle = idleStrategy(workload.idle());
        try (Aeron aeron = Aeron.connect(context(workload));
            Subscription subscription = aeron.addSubscription(CHANNEL, PING_STREAM_ID))
        {
            if (workload.scenario().isLatency())
            {
                try (Publication pongs = aeron.addPublication(CHANNEL, PONG_STREAM_ID))
                {
                    channel.announcePort(0);
                    pong(channel, subscription, pongs, idle);
                    SideMain.awaitRelease(channel);
                }
            }
            else
            {
                channel.announcePort(0);
                receive(workload, channel, subscription, idle);
                SideMain.awaitRelease(channel);
            }
        }
    }

    /**
     * @param workload of the run.
     * @return the directory of the run's media driver.
     */
    static String aeronDirectory(final Workload workload)
    {
        return ShmFiles.path(workload.runName(), "aeron").toString();
    }

    /**
     * @param name an {@code --idle} choice.
     * @return Agrona's idle strategy of that name; {@code block} yields.
     */
    static IdleStrategy idleStrategy(final String name)
    {
        switch (name)
        {
            case "busy-spin":
                return new BusySpinIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy();
            default:
                return new YieldingIdleStrategy();
        }
    }

    private static Aeron.Context context(final Workload workload)
    {
        return new Aeron.Context().aeronDirectoryName(aeronDirectory(workload));
    }

    private static void awaitConnected(final Publication publication, final Subscription subscription)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected() || (subscription != null && !subscription.isConnected()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("aeron not connected in time: channel=" + CHANNEL + ", timeoutMs=" +
                    TimeUnit.NANOSECONDS.toMillis(CONNECT_TIMEOUT_NS));
            }
            Thread.yield();
        }
    }

    private static void ping(
        final Workload workload,
        final SideChannel channel,
        final Publication publication,
        final Image pongs,
        final IdleStrategy idle) throws Exception
    {
        final int length = workload.sizeBytes();
        final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
        final long[] echoed = new long[1];
        final FragmentAssembler onPong = new FragmentAssembler(
            (buffer, offset, fragmentLength, header) -> echoed[0] = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN));
        final PingClient client = new PingClient()
        {
            private long offeredPosition;

            @Override
            public void ping(final long sequence)
            {
                message.putLong(0, sequence, ByteOrder.LITTLE_ENDIAN);
                offeredPosition = offer(publication, message, 0, length, idle);
            }

            @Override
            public long awaitPong()
            {
                idle.reset();
                do
                {
                    while (pongs.poll(onPong, PING_FRAGMENT_LIMIT) <= 0)
                    {
                        idle.idle();
                    }
                }
                while (pongs.position() < offeredPosition);
                return echoed[0];
            }
        };
        new PingerLoop(workload, client, Waiting.idleStrategy(workload.idle())).run(channel);
    }

    private static void pong(
        final SideChannel channel, final Subscription pings, final Publication pongs, final IdleStrategy idle)
    {
        final boolean[] ended = new boolean[1];
        final IdleStrategy offerIdle = new BusySpinIdleStrategy();
        final FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) ->
        {
            offer(pongs, buffer, offset, length, offerIdle);
            ended[0] = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN) == Workload.END_SEQUENCE;
        });
        while (!ended[0] && !channel.stopRequested())
        {
            idle.idle(pings.poll(echo, PING_FRAGMENT_LIMIT));
        }
    }

    private static void stream(
        final Workload workload,
        final SideChannel channel,
        final Publication publication,
        final IdleStrategy idle)
    {
        final int length = workload.sizeBytes();
        final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
        long sent = 0;
        long backPressured = 0;
        while (!channel.stopRequested())
        {
            message.putLong(0, sent, ByteOrder.LITTLE_ENDIAN);
            final long result = publication.offer(message, 0, length);
            if (result > 0)
            {
                sent++;
                idle.reset();
            }
            else if (isTransient(result))
            {
                backPressured++;
                idle.idle();
            }
            else
            {
                throw new IllegalStateException("aeron offer failed: result=" + result + ", sent=" + sent);
            }
        }
        message.putLong(0, Workload.END_SEQUENCE, ByteOrder.LITTLE_ENDIAN);
        offer(publication, message, 0, length, idle);
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", sent);
        result.put("backPressured", backPressured);
        channel.result(result);
    }

    private static void receive(
        final Workload workload,
        final SideChannel channel,
        final Subscription subscription,
        final IdleStrategy idle)
    {
        final StreamMeter meter = new StreamMeter(workload, channel);
        final FragmentHandler onMessage = new FragmentAssembler((buffer, offset, length, header) ->
            meter.onMessage(buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN)));
        while (!meter.ended() && !channel.stopRequested())
        {
            idle.idle(subscription.poll(onMessage, STREAM_FRAGMENT_LIMIT));
            meter.polled();
            meter.tick(System.nanoTime());
        }
        channel.result(meter.result());
    }

    private static long offer(
        final Publication publication,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final IdleStrategy idle)
    {
        long result;
        idle.reset();
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (!isTransient(result))
            {
                throw new IllegalStateException("aeron offer failed: result=" + result);
            }
            idle.idle();
        }
        return result;
    }

    private static boolean isTransient(final long result)
    {
        return result == Publication.BACK_PRESSURED || result == Publication.NOT_CONNECTED ||
            result == Publication.ADMIN_ACTION;
    }
}
