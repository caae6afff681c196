package io.conduit.rpc.internal;

import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;

/**
 * Latencies counted into fixed log-linear buckets, recorded by many threads at once with one atomic increment and
 * no branch that depends on the value: 64 buckets per power of two (within 1.6% of the value), exact below 128 ns,
 * up to about 18 minutes, beyond which values count in the last bucket.
 * <p>
 * Why not an HdrHistogram, which {@link #snapshot} still gives: recording into one tracks the minimum and
 * maximum, and an auto-resizing one grows, behind branches that are almost never taken. The JIT compiles a call
 * path with those branches left out, and the next new maximum (any hiccup) throws the compiled call path away to
 * be compiled again: a pause of hundreds of milliseconds of compilation on a busy CPU, in the middle of serving.
 */
final class LatencyBuckets
{
    private static final int SUB_BUCKET_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values up to 2^40 - 1 ns, about 18 minutes. */
    private static final int MAGNITUDE_BITS = 40;
    private static final long MAX_VALUE = (1L << MAGNITUDE_BITS) - 1;
    private static final int BUCKETS = (MAGNITUDE_BITS - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /**
     * @param valueNs to count; negative counts as 0.
     */
    void record(final long valueNs)
    {
        counts.getAndIncrement(index(Math.min(Math.max(valueNs, 0), MAX_VALUE)));
    }

    /**
     * @return a histogram of the values counted so far, each at the middle of its bucket.
     */
    Histogram snapshot()
    {
        final Histogram histogram = new Histogram(3);
        for (int i = 0; i < BUCKETS; i++)
        {
            final long count = counts.get(i);
            if (count > 0)
            {
                histogram.recordValueWithCount(middle(i), count);
            }
        }
        return histogram;
    }

    /**
     * Below 128 a value is its own bucket; above, a value of magnitude {@code m} (its highest bit) falls in one of
     * the 64 buckets of its power of two, by its 6 bits after the highest: {@code (m - 6) * 64 + (value >> (m - 6))},
     * which continues where the bucket of the power below ended.
     */
    static int index(final long value)
    {
        final int magnitude = 63 - Long.numberOfLeadingZeros(value | SUB_BUCKETS);
        final int shift = magnitude - SUB_BUCKET_BITS;
        return (shift << SUB_BUCKET_BITS) + (int)(value >>> shift);
    }

    /**
     * @return the lowest value of the bucket.
     */
    static long lowest(final int index)
    {
        final int shift = Math.max(0, (index >> SUB_BUCKET_BITS) - 1);
        return (long)(index - (shift << SUB_BUCKET_BITS)) << shift;
    }

    private static long middle(final int index)
    {
        final int shift = Math.max(0, (index >> SUB_BUCKET_BITS) - 1);
        return lowest(index) + ((1L << shift) >> 1);
    }
}
