package io.conduit.rpc.internal;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(10)
class LatencyBucketsTest
{
    @Test
    void bucketsAreContiguousAndHoldTheirValues()
    {
        int previous = -1;
        for (long value = 0; value < 1 << 20; value++)
        {
            final int index = LatencyBuckets.index(value);
            assertThat(index).as("value %d", value).isBetween(previous, previous + 1);
            assertThat(LatencyBuckets.lowest(index)).as("value %d", value).isLessThanOrEqualTo(value);
            assertThat(LatencyBuckets.lowest(index + 1)).as("value %d", value).isGreaterThan(value);
            previous = index;
        }
    }

    @Test
    void snapshotKeepsCountsAndValuesWithinTwoPercent()
    {
        final LatencyBuckets buckets = new LatencyBuckets();
        for (int i = 1; i <= 1000; i++)
        {
            buckets.record(i * 1_000L);
        }
        buckets.record(-5);
        buckets.record(Long.MAX_VALUE);

        final Histogram histogram = buckets.snapshot();
        assertThat(histogram.getTotalCount()).isEqualTo(1002);
        assertThat(histogram.getMinValue()).isZero();
        assertThat((double)histogram.getValueAtPercentile(50)).isCloseTo(500_000, within(10_000.0));
        assertThat((double)histogram.getValueAtPercentile(99)).isCloseTo(990_000, within(20_000.0));
        assertThat(histogram.getMaxValue()).as("beyond the range: the last bucket").isGreaterThan(1L << 39);
    }

    @Test
    void smallValuesAreExact()
    {
        final LatencyBuckets buckets = new LatencyBuckets();
        buckets.record(7);
        buckets.record(127);

        final Histogram histogram = buckets.snapshot();
        assertThat(histogram.getMinValue()).isEqualTo(7);
        assertThat(histogram.getMaxValue()).isEqualTo(127);
    }
}
