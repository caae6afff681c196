package io.conduit.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.conduit.rpc.EchoService;

/**
 * Starts asynchronous echo calls at a fixed rate, as many in flight as that takes (at most
 * {@value #MAX_IN_FLIGHT}), and records each call's latency from its <em>scheduled</em> start, so that a stall
 * delays the calls behind it and shows in their latency (coordinated omission corrected), as
 * {@link StampedPublisher} does for messages. Calls before {@code warmupCalls} count for delivery but not for
 * latency.
 */
final class PacedEchoCalls
{
    /** Bound on calls in flight; a caller that reaches it waits, and the wait shows in latency. */
    static final int MAX_IN_FLIGHT = 1024;
    private static final long HIGHEST_LATENCY_NS = TimeUnit.MINUTES.toNanos(1);
    private static final long DRAIN_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EchoService echo;
    private final int sizeBytes;
    private final long ratePerSecond;
    private final long warmupCalls;
    private final Recorder latencies = new Recorder(HIGHEST_LATENCY_NS, 3);
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong wrongEchoes = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicLong firstReplyNs = new AtomicLong();
    private final AtomicLong lastReplyNs = new AtomicLong();

    /**
     * @param echo          the proxy to call.
     * @param sizeBytes     of each payload.
     * @param ratePerSecond calls started per second, at least 1.
     * @param warmupCalls   calls left out of latency.
     */
    PacedEchoCalls(final EchoService echo, final int sizeBytes, final long ratePerSecond, final long warmupCalls)
    {
        this.echo = echo;
        this.sizeBytes = sizeBytes;
        this.ratePerSecond = ratePerSecond;
        this.warmupCalls = warmupCalls;
    }

    /**
     * What the calls did.
     *
     * @param started      calls started.
     * @param ok           calls answered with the payload.
     * @param failed       calls that failed or had not finished by the drain deadline.
     * @param wrongEchoes  calls answered with something other than the payload.
     * @param callsPerSec  rate of replies from the first to the last.
     * @param latencyNs    of the calls after the warm-up that succeeded, from their scheduled start.
     * @param firstFailure the first failure, or null.
     */
    record Outcome(
        long started,
        long ok,
        long failed,
        long wrongEchoes,
        double callsPerSec,
        Histogram latencyNs,
        String firstFailure)
    {
    }

    /**
     * Start the calls on this thread, then wait for the last ones to finish.
     *
     * @param count          calls to make.
     * @param drainTimeoutNs longest to wait for the calls in flight after the last has started.
     * @return what they did.
     */
    Outcome run(final long count, final long drainTimeoutNs)
    {
        final double intervalNs = 1e9 / ratePerSecond;
        final long startNs = System.nanoTime();
        for (long sequence = 0; sequence < count; sequence++)
        {
            final long scheduledNs = startNs + (long)(sequence * intervalNs);
            Pacer.awaitTime(scheduledNs);
            while (sequence - finished.get() >= MAX_IN_FLIGHT)
            {
                Thread.yield();
            }
            call(sequence, scheduledNs);
        }
        final long drainDeadlineNs = System.nanoTime() + drainTimeoutNs;
        while (finished.get() < count && System.nanoTime() - drainDeadlineNs < 0)
        {
            LockSupport.parkNanos(DRAIN_CHECK_NS);
        }
        final long replied = ok.get();
        final long elapsedNs = lastReplyNs.get() - firstReplyNs.get();
        final double callsPerSec = replied > 1 && elapsedNs > 0 ? (replied - 1) * 1e9 / elapsedNs : 0;
        return new Outcome(count, replied, count - replied - wrongEchoes.get(), wrongEchoes.get(), callsPerSec,
            latencies.getIntervalHistogram(), firstFailure.get());
    }

    private void call(final long sequence, final long scheduledNs)
    {
        final byte[] payload = EchoPayload.of(sizeBytes, sequence);
        try
        {
            echo.echoAsync(payload).whenComplete((reply, error) -> onDone(sequence, scheduledNs, payload, reply, error));
        }
        catch (final RuntimeException ex)
        {
            onDone(sequence, scheduledNs, payload, null, ex);
        }
    }

    private void onDone(
        final long sequence, final long scheduledNs, final byte[] payload, final byte[] reply, final Throwable error)
    {
        final long nowNs = System.nanoTime();
        if (error != null)
        {
            firstFailure.compareAndSet(null, "call failed: sequence=" + sequence + ", status=" +
                EchoCallRun.statusOf(error) + ", error=" + ErrorReporter.describe(error));
        }
        else if (!EchoPayload.matches(payload, reply))
        {
            wrongEchoes.incrementAndGet();
            firstFailure.compareAndSet(null, "wrong echo: sequence=" + sequence);
        }
        else
        {
            firstReplyNs.compareAndSet(0, nowNs);
            lastReplyNs.accumulateAndGet(nowNs, Math::max);
            if (sequence >= warmupCalls)
            {
                latencies.recordValue(Math.min(Math.max(nowNs - scheduledNs, 0), HIGHEST_LATENCY_NS));
            }
            ok.incrementAndGet();
        }
        finished.incrementAndGet();
    }
}
