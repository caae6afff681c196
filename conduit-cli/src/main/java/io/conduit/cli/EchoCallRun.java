package io.conduit.cli;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.HdrHistogram.Recorder;

import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;

/**
 * Makes a number of echo calls with a number of them in flight at once: each of that many lanes starts its next
 * call when its last completes, on the RPC client's thread (or, when completions nest deeply, as with a call that
 * fails at once, on the thread that runs this). Records each call's latency from its start, and its
 * status. Every payload is a new array of the given size; a reply must equal its payload's length and first
 * bytes, or it counts as {@link Status#INTERNAL}.
 */
final class EchoCallRun
{
    private static final long HIGHEST_LATENCY_NS = TimeUnit.MINUTES.toNanos(1);
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Calls a thread starts from completions nested in one another before it leaves the rest to the runner. */
    private static final int MAX_NESTED_STARTS = 16;
    private static final ThreadLocal<int[]> NESTED_STARTS = ThreadLocal.withInitial(() -> new int[1]);

    private final EchoService echo;
    private final long count;
    private final int concurrency;
    private final int sizeBytes;
    private final Recorder latencies = new Recorder(HIGHEST_LATENCY_NS, 3);
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLongArray byStatus = new AtomicLongArray(Status.values().length);
    private final AtomicInteger lanesToStart = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * @param echo        the proxy to call.
     * @param count       calls to make, at least 1.
     * @param concurrency calls in flight at once, at least 1.
     * @param sizeBytes   of each payload, at least 8.
     */
    EchoCallRun(final EchoService echo, final long count, final int concurrency, final int sizeBytes)
    {
        this.echo = echo;
        this.count = count;
        this.concurrency = concurrency;
        this.sizeBytes = sizeBytes;
    }

    /**
     * Make the calls and wait for every one to finish.
     *
     * @param stop asks to stop starting calls, such as Ctrl-C; the calls in flight still finish.
     * @return what happened.
     */
    RpcCallReport run(final BooleanSupplier stop)
    {
        final long startNs = System.nanoTime();
        lanesToStart.set((int)Math.min(concurrency, count));
        while (finished.get() < started.get() || (!stopping && started.get() < count))
        {
            if (stop.getAsBoolean())
            {
                stopping = true;
            }
            if (lanesToStart.get() > 0)
            {
                lanesToStart.decrementAndGet();
                startNext();
            }
            else
            {
                LockSupport.parkNanos(CHECK_INTERVAL_NS);
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final Map<Status, Long> counts = new EnumMap<>(Status.class);
        for (final Status status : Status.values())
        {
            final long calls = byStatus.get(status.ordinal());
            if (calls > 0)
            {
                counts.put(status, calls);
            }
        }
        return new RpcCallReport(finished.get(), counts, elapsedNs, latencies.getIntervalHistogram());
    }

    private void startNext()
    {
        final long sequence = started.getAndIncrement();
        if (sequence >= count || stopping)
        {
            started.decrementAndGet();
            return;
        }
        final byte[] payload = EchoPayload.of(sizeBytes, sequence);
        final long callStartNs = System.nanoTime();
        try
        {
            echo.echoAsync(payload).whenComplete((reply, error) -> onDone(payload, callStartNs, reply, error));
        }
        catch (final RuntimeException ex)
        {
            onDone(payload, callStartNs, null, ex);
        }
    }

    private void onDone(final byte[] payload, final long callStartNs, final byte[] reply, final Throwable error)
    {
        final long latencyNs = System.nanoTime() - callStartNs;
        final Status status = error != null ? statusOf(error) :
            EchoPayload.matches(payload, reply) ? Status.OK : Status.INTERNAL;
        if (status == Status.OK)
        {
            latencies.recordValue(Math.min(latencyNs, HIGHEST_LATENCY_NS));
        }
        byStatus.incrementAndGet(status.ordinal());
        finished.incrementAndGet();
        final int[] nested = NESTED_STARTS.get();
        if (nested[0] >= MAX_NESTED_STARTS)
        {
            lanesToStart.incrementAndGet();
            return;
        }
        nested[0]++;
        try
        {
            startNext();
        }
        finally
        {
            nested[0]--;
        }
    }

    /**
     * @param error of a call, possibly wrapped by a future.
     * @return its status: an {@link RpcException}'s, else {@link Status#UNKNOWN}.
     */
    static Status statusOf(final Throwable error)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause instanceof RpcException ? ((RpcException)cause).status() : Status.UNKNOWN;
    }
}
