package io.conduit.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps {@link Scenario#RPC_CALLS_IN_FLIGHT} asynchronous echo calls in flight, as gRPC's own benchmark client
 * does: each of that many lanes starts its next call from the completion of its last, on the system's thread,
 * so the count in flight never drops while the run lasts. Completed calls, and their latency from start, are
 * counted in the measurement window, which opens a warm-up after the first calls start. A failed call, a reply
 * of the wrong length or with the wrong sequence ends its lane and is reported as an error.
 */
final class AsyncCallLoop
{
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Workload workload;
    private final EchoClient client;
    private final Recorder latencies = new Recorder(PingerLoop.HIGHEST_TRACKABLE_NS, 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean stopping;

    /**
     * @param workload with size, warm-up and duration.
     * @param client   of the system measured.
     */
    AsyncCallLoop(final Workload workload, final EchoClient client)
    {
        this.workload = workload;
        this.client = client;
    }

    /**
     * Warm up, measure, let the calls in flight finish, and report.
     *
     * @param channel to the harness.
     */
    void run(final SideChannel channel)
    {
        channel.phase("warmup");
        final long startNs = System.nanoTime();
        for (int lane = 0; lane < Scenario.RPC_CALLS_IN_FLIGHT; lane++)
        {
            inFlight.incrementAndGet();
            call((long)lane << 40);
        }
        sleepUntil(startNs + workload.warmupNs(), channel);
        latencies.reset();
        final long windowStartCount = completed.get();
        final long windowStartNs = System.nanoTime();
        channel.phase("measure");
        sleepUntil(windowStartNs + workload.durationNs(), channel);
        final long calls = completed.get() - windowStartCount;
        final long elapsedNs = System.nanoTime() - windowStartNs;
        final Histogram histogram = latencies.getIntervalHistogram();
        channel.phase("done");
        stopping = true;
        drain();

        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", calls);
        result.put("elapsedNs", elapsedNs);
        result.put("histogram", PingerLoop.encode(histogram));
        result.put("callsInFlight", Scenario.RPC_CALLS_IN_FLIGHT);
        result.put("errors", errors.get());
        result.put("firstError", firstError.get());
        channel.result(result);
    }

    private void call(final long sequence)
    {
        final byte[] payload = new byte[workload.sizeBytes()];
        Messages.putSequence(payload, sequence);
        final long startNs = System.nanoTime();
        try
        {
            client.echoAsync(payload, (reply, error) -> onDone(sequence, startNs, reply, error));
        }
        catch (final RuntimeException ex)
        {
            onDone(sequence, startNs, null, ex);
        }
    }

    private void onDone(final long sequence, final long startNs, final byte[] reply, final Throwable error)
    {
        final long latencyNs = System.nanoTime() - startNs;
        final String problem = problem(sequence, reply, error);
        if (problem != null)
        {
            errors.incrementAndGet();
            firstError.compareAndSet(null, problem);
            inFlight.decrementAndGet();
            return;
        }
        latencies.recordValue(Math.min(latencyNs, PingerLoop.HIGHEST_TRACKABLE_NS));
        completed.incrementAndGet();
        if (stopping)
        {
            inFlight.decrementAndGet();
        }
        else
        {
            call(sequence + 1);
        }
    }

    private String problem(final long sequence, final byte[] reply, final Throwable error)
    {
        if (error != null)
        {
            return "call failed: sequence=" + sequence + ", error=" + error;
        }
        if (reply.length != workload.sizeBytes() || Messages.sequence(reply) != sequence)
        {
            return "wrong echo: sequence=" + sequence + ", length=" + reply.length;
        }
        return null;
    }

    private void sleepUntil(final long deadlineNs, final SideChannel channel)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0 && !channel.stopRequested() && inFlight.get() > 0)
        {
            LockSupport.parkNanos(Math.min(remainingNs, CHECK_INTERVAL_NS));
        }
        if (inFlight.get() == 0)
        {
            throw new IllegalStateException("every call lane failed: errors=" + errors.get() + ", first=" +
                firstError.get());
        }
    }

    private void drain()
    {
        final long deadlineNs = System.nanoTime() + DRAIN_TIMEOUT_NS;
        while (inFlight.get() > 0)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("calls still in flight after the run: inFlight=" + inFlight.get() +
                    ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(DRAIN_TIMEOUT_NS));
            }
            LockSupport.parkNanos(CHECK_INTERVAL_NS);
        }
    }
}
