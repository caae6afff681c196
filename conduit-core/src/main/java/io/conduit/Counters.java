package io.conduit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts {@link Counter} events and records latencies for one publication, subscription or transport.
 * <p>
 * Incrementing is wait-free and allocation-free from any thread; reading is safe from any thread.
 */
public final class Counters
{
    private static final int COUNTER_COUNT = Counter.values().length;
    private static final int SLOT_STRIDE = 8;
    private static final long HIGHEST_TRACKABLE_NS = 3_600_000_000_000L;

    // Spread counters a cache line apart: they are written by different threads.
    private final AtomicLongArray values = new AtomicLongArray(COUNTER_COUNT * SLOT_STRIDE);
    private final Recorder latencyRecorder = new Recorder(HIGHEST_TRACKABLE_NS, 3);
    private final Histogram latencyTotal = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private Histogram latencyInterval;

    /**
     * @param counter to increment by one.
     */
    public void increment(final Counter counter)
    {
        values.getAndIncrement(counter.ordinal() * SLOT_STRIDE);
    }

    /**
     * @param counter to add to.
     * @param delta   to add.
     */
    public void add(final Counter counter, final long delta)
    {
        values.getAndAdd(counter.ordinal() * SLOT_STRIDE, delta);
    }

    /**
     * Add from the one thread that writes this counter, such as the thread polling a subscription or offering
     * under a publication's lock: cheaper than {@link #add}, as it needs no atomic read-modify-write. Mixing it
     * with {@link #add} on the same counter loses updates.
     *
     * @param counter to add to.
     * @param delta   to add.
     */
    public void addOrdered(final Counter counter, final long delta)
    {
        final int index = counter.ordinal() * SLOT_STRIDE;
        // The last write was this thread's, or happened before it (under the same lock): a plain read sees it.
        values.lazySet(index, values.getPlain(index) + delta);
    }

    /**
     * @param counter to read.
     * @return its current value.
     */
    public long get(final Counter counter)
    {
        return values.get(counter.ordinal() * SLOT_STRIDE);
    }

    /**
     * Record one latency sample; values beyond an hour are clamped.
     *
     * @param latencyNs to record.
     */
    public void recordLatencyNs(final long latencyNs)
    {
        latencyRecorder.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_NS));
    }

    /**
     * @return a copy of all latencies recorded so far, in nanoseconds.
     */
    public synchronized Histogram latencyHistogram()
    {
        latencyInterval = latencyRecorder.getIntervalHistogram(latencyInterval);
        latencyTotal.add(latencyInterval);
        return latencyTotal.copy();
    }

    /**
     * @return every counter with its current value.
     */
    public Map<Counter, Long> snapshot()
    {
        final Map<Counter, Long> snapshot = new EnumMap<>(Counter.class);
        for (final Counter counter : Counter.values())
        {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("Counters{");
        for (final Counter counter : Counter.values())
        {
            final long value = get(counter);
            if (value != 0)
            {
                sb.append(counter.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(value).append(", ");
            }
        }
        if (sb.charAt(sb.length() - 1) == ' ')
        {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
