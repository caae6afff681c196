package io.conduit.internal;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@Timeout(10)
class LatencyBucketsTest
{
    @ParameterizedTest
    @ValueSource(ints = {1, 6, 8})
    void bucketsAreContiguousAndHoldTheirValues(final int bits)
    {
        int previous = -1;
        for (long value = 0; value < 1 << 20; value++)
        {
            final int index = LatencyBuckets.index(value, bits);
            if (index != previous && index != previous + 1)
            {
                assertThat(index).as("value %d", value).isBetween(previous, previous + 1);
            }
            if (LatencyBuckets.lowest(index, bits) > value || LatencyBuckets.lowest(index + 1, bits) <= value)
            {
                assertThat(value).as("bucket %d", index).isBetween(LatencyBuckets.lowest(index, bits),
                    LatencyBuckets.lowest(index + 1, bits) - 1);
            }
            previous = index;
        }
        assertThat(LatencyBuckets.index((1L << 40) - 1, bits)).isEqualTo(((40 - bits + 1) << bits) - 1);
    }

    @Test
    void refusesSubBucketBitsOutOfRange()
    {
        assertThatThrownBy(() -> new LatencyBuckets(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyBuckets(17)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotKeepsCountsAndValuesWithinTwoPercent()
    {
        final LatencyBuckets buckets = new LatencyBuckets(6);
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
        final LatencyBuckets buckets = new LatencyBuckets(6);
        buckets.record(7);
        buckets.record(127);

        final Histogram histogram = buckets.snapshot();
        assertThat(histogram.getMinValue()).isEqualTo(7);
        assertThat(histogram.getMaxValue()).isEqualTo(127);
    }
}
