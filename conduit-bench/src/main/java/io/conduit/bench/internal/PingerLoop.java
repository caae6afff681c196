package io.conduit.bench.internal;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.conduit.BusySpinIdleStrategy;
import io.conduit.IdleStrategy;

/**
 * Pings at a fixed rate with one message in flight and records each round trip from the message's
 * <em>scheduled</em> send time, so a stall delays the sends behind it and shows in their latency (coordinated
 * omission corrected). When the measurement ends with sends still due, each counts with the latency it has
 * reached by then.
 * <p>
 * Between sends it parks while more than {@link #PARK_THRESHOLD_NS} remain, then idles; with a busy-spin idle
 * strategy it never parks: the thread owns its CPU, and waking from a park can overshoot the send time.
 */
final class PingerLoop
{
    /** Longest latency recorded; longer values are clamped. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long PARK_THRESHOLD_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long PARK_MARGIN_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Workload workload;
    private final PingClient client;
    private final IdleStrategy idle;
    private final boolean park;
    private long sequence;

    /**
     * @param workload with the rate, warm-up and duration.
     * @param client   of the system measured.
     * @param idle     what to do while waiting for the next send.
     */
    PingerLoop(final Workload workload, final PingClient client, final IdleStrategy idle)
    {
        this.workload = workload;
        this.client = client;
        this.idle = idle;
        this.park = !(idle instanceof BusySpinIdleStrategy);
    }

    /**
     * Warm up, measure, then send the end message and report the histogram.
     *
     * @param channel to the harness.
     * @throws Exception when the transport fails or an echo carries the wrong sequence.
     */
    void run(final SideChannel channel) throws Exception
    {
        channel.phase("warmup");
        runPhase(workload.warmupNs(), new Histogram(HIGHEST_TRACKABLE_NS, 3));
        channel.phase("measure");
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        final long startNs = System.nanoTime();
        final long late = runPhase(workload.durationNs(), histogram);
        final long elapsedNs = System.nanoTime() - startNs;
        channel.phase("done");
        client.ping(Workload.END_SEQUENCE);
        client.awaitPong();

        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", histogram.getTotalCount() - late);
        result.put("lateAtEnd", late);
        result.put("elapsedNs", elapsedNs);
        result.put("histogram", encode(histogram));
        final Map<String, Object> counters = client.counters();
        if (!counters.isEmpty())
        {
            result.put("counters", counters);
        }
        channel.result(result);
    }

    private long runPhase(final long phaseNs, final Histogram histogram) throws Exception
    {
        final long intervalNs = workload.intervalNs();
        final long startNs = System.nanoTime();
        final long endNs = startNs + phaseNs;
        long scheduledNs = startNs;
        while (scheduledNs < endNs)
        {
            final long nowNs = waitUntil(scheduledNs);
            if (nowNs >= endNs)
            {
                break;
            }
            final long expected = sequence++;
            client.ping(expected);
            final long echoed = client.awaitPong();
            final long arrivedNs = client.lastPongArrivalNs();
            final long latencyNs = (arrivedNs != 0 ? arrivedNs : System.nanoTime()) - scheduledNs;
            if (echoed != expected)
            {
                throw new IllegalStateException("echo out of order: expected=" + expected + ", echoed=" + echoed);
            }
            histogram.recordValue(Math.min(latencyNs, HIGHEST_TRACKABLE_NS));
            scheduledNs += intervalNs;
        }
        final long stopNs = System.nanoTime();
        long late = 0;
        for (; scheduledNs < endNs; scheduledNs += intervalNs)
        {
            histogram.recordValue(Math.min(Math.max(stopNs - scheduledNs, 0), HIGHEST_TRACKABLE_NS));
            late++;
        }
        return late;
    }

    private long waitUntil(final long deadlineNs)
    {
        long nowNs;
        while ((nowNs = System.nanoTime()) < deadlineNs)
        {
            final long remainingNs = deadlineNs - nowNs;
            if (park && remainingNs > PARK_THRESHOLD_NS)
            {
                LockSupport.parkNanos(remainingNs - PARK_MARGIN_NS);
            }
            else
            {
                idle.idle();
            }
        }
        idle.reset();
        return nowNs;
    }

    /**
     * @param histogram to send to the harness.
     * @return its compressed HdrHistogram encoding in base64.
     */
    static String encode(final Histogram histogram)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }
}
