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
import io.conduit.internal.LatencyBuckets;

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
    /** 256 buckets per power of two: a latency within 0.2% of its bucket's middle. */
    private static final int SUB_BUCKET_BITS = 8;
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
     * Warm up, measure, then send the end message and report the histogram. Warm-up and measurement are one loop
     * on one schedule that switches histograms: a loop of its own for the measurement would start interpreted and
     * be compiled again (on-stack replacement, with the whole send path inlined) while it measures.
     *
     * @param channel to the harness.
     * @throws Exception when the transport fails or an echo carries the wrong sequence.
     */
    void run(final SideChannel channel) throws Exception
    {
        channel.phase("warmup");
        final long intervalNs = workload.intervalNs();
        final long warmupEndNs = System.nanoTime() + workload.warmupNs();
        // Buckets, not an HdrHistogram: recording into one takes a branch for each new maximum, and the first one
        // taken after this loop was compiled (with the system's send path inlined) throws that code away to be
        // compiled again, in the middle of the measurement.
        final LatencyBuckets histogram = new LatencyBuckets(SUB_BUCKET_BITS);
        LatencyBuckets recording = new LatencyBuckets(SUB_BUCKET_BITS);
        long scheduledNs = System.nanoTime();
        long measureStartNs = 0;
        long measureEndNs = Long.MAX_VALUE;
        while (true)
        {
            if (recording != histogram && (scheduledNs >= warmupEndNs || System.nanoTime() >= warmupEndNs))
            {
                channel.phase("measure");
                recording = histogram;
                measureStartNs = System.nanoTime();
                measureEndNs = measureStartNs + workload.durationNs();
                // A backlog of the warm-up is not the measurement's: it starts on time.
                scheduledNs = Math.max(scheduledNs, measureStartNs);
            }
            final long nowNs = waitUntil(scheduledNs);
            if (nowNs >= measureEndNs)
            {
                break;
            }
            if (recording != histogram && nowNs >= warmupEndNs)
            {
                continue;
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
            recording.record(Math.min(latencyNs, HIGHEST_TRACKABLE_NS));
            scheduledNs += intervalNs;
        }
        final long stopNs = System.nanoTime();
        long late = 0;
        for (; scheduledNs < measureEndNs; scheduledNs += intervalNs)
        {
            // Sends the run had no time left for: late by the time it stopped (coordinated omission).
            histogram.record(Math.min(Math.max(stopNs - scheduledNs, 0), HIGHEST_TRACKABLE_NS));
            late++;
        }
        final long elapsedNs = stopNs - measureStartNs;
        channel.phase("done");
        client.ping(Workload.END_SEQUENCE);
        client.awaitPong();

        final Map<String, Object> result = new LinkedHashMap<>();
        final Histogram measured = histogram.snapshot();
        result.put("messages", measured.getTotalCount() - late);
        result.put("lateAtEnd", late);
        result.put("elapsedNs", elapsedNs);
        result.put("histogram", encode(measured));
        final Map<String, Object> counters = client.counters();
        if (!counters.isEmpty())
        {
            result.put("counters", counters);
        }
        channel.result(result);
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
