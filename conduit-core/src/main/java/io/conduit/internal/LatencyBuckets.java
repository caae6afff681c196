package io.conduit.internal;

import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;

/**
 * Latencies counted into fixed log-linear buckets, recorded by many threads at once with one atomic increment and
 * no branch that depends on the value: {@code 2^subBucketBits} buckets per power of two (64 put a value within
 * 1.6% of its bucket's middle, 256 within 0.4%), exact below {@code 2^(subBucketBits + 1)} ns, up to about 18
 * minutes, beyond which values count in the last bucket.
 * <p>
 * Why not an HdrHistogram, which {@link #snapshot} still gives: recording into one tracks the minimum and
 * maximum, and an auto-resizing one grows, behind branches that are almost never taken. The JIT compiles a call
 * path with those branches left out, and the next new maximum (any hiccup) throws the compiled call path away to
 * be compiled again: a pause of hundreds of milliseconds of compilation on a busy CPU, in the middle of serving
 * or measuring.
 */
public final class LatencyBuckets
{
    /** Values up to 2^40 - 1 ns, about 18 minutes. */
    private static final int MAGNITUDE_BITS = 40;
    private static final long MAX_VALUE = (1L << MAGNITUDE_BITS) - 1;

    private final int subBucketBits;
    private final AtomicLongArray counts;

    /**
     * @param subBucketBits the log2 of the buckets per power of two, 1 to 16.
     */
    public LatencyBuckets(final int subBucketBits)
    {
        if (subBucketBits < 1 || subBucketBits > 16)
        {
            throw new IllegalArgumentException("subBucketBits must be 1 to 16: " + subBucketBits);
        }
        this.subBucketBits = subBucketBits;
        this.counts = new AtomicLongArray((MAGNITUDE_BITS - subBucketBits + 1) << subBucketBits);
    }

    /**
     * @param valueNs to count; negative counts as 0.
     */
    public void record(final long valueNs)
    {
        counts.getAndIncrement(index(Math.min(Math.max(valueNs, 0), MAX_VALUE), subBucketBits));
    }

    /**
     * @return a histogram of the values counted so far, each at the middle of its bucket.
     */
    public Histogram snapshot()
    {
        final Histogram histogram = new Histogram(3);
        for (int i = 0; i < counts.length(); i++)
        {
            final long count = counts.get(i);
            if (count > 0)
            {
                histogram.recordValueWithCount(middle(i, subBucketBits), count);
            }
        }
        return histogram;
    }

    /**
     * With {@code b} sub-bucket bits, below {@code 2^(b+1)} a value is its own bucket; above, a value of magnitude
     * {@code m} (its highest bit) falls in one of the {@code 2^b} buckets of its power of two, by its {@code b}
     * bits after the highest: {@code ((m - b) << b) + (value >> (m - b))}, which continues where the buckets of
     * the power below ended.
     */
    static int index(final long value, final int subBucketBits)
    {
        final int magnitude = 63 - Long.numberOfLeadingZeros(value | (1L << subBucketBits));
        final int shift = magnitude - subBucketBits;
        return (shift << subBucketBits) + (int)(value >>> shift);
    }

    /**
     * @return the lowest value of the bucket.
     */
    static long lowest(final int index, final int subBucketBits)
    {
        final int shift = Math.max(0, (index >> subBucketBits) - 1);
        return (long)(index - (shift << subBucketBits)) << shift;
    }

    private static long middle(final int index, final int subBucketBits)
    {
        final int shift = Math.max(0, (index >> subBucketBits) - 1);
        return lowest(index, subBucketBits) + ((1L << shift) >> 1);
    }
}
