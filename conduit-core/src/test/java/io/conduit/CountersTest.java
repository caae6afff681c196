package io.conduit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CountersTest
{
    private final Counters counters = new Counters();

    @Test
    void shouldStartAtZero()
    {
        for (final Counter counter : Counter.values())
        {
            assertThat(counters.get(counter)).as(counter.name()).isZero();
        }
        assertThat(counters.latencyHistogram().getTotalCount()).isZero();
        assertThat(counters.toString()).isEqualTo("Counters{}");
    }

    @Test
    void shouldIncrementAndAddIndependently()
    {
        counters.increment(Counter.MESSAGES_SENT);
        counters.increment(Counter.MESSAGES_SENT);
        counters.add(Counter.BYTES_SENT, 1_000);
        counters.add(Counter.BYTES_SENT, 24);
        counters.increment(Counter.ERRORS);

        assertThat(counters.get(Counter.MESSAGES_SENT)).isEqualTo(2);
        assertThat(counters.get(Counter.BYTES_SENT)).isEqualTo(1_024);
        assertThat(counters.get(Counter.ERRORS)).isEqualTo(1);
        assertThat(counters.get(Counter.MESSAGES_RECEIVED)).isZero();
        assertThat(counters.snapshot())
            .containsEntry(Counter.MESSAGES_SENT, 2L)
            .containsEntry(Counter.BYTES_SENT, 1_024L)
            .containsEntry(Counter.PROTOCOL_ERRORS, 0L)
            .hasSize(Counter.values().length);
        assertThat(counters.toString()).isEqualTo("Counters{messages_sent=2, bytes_sent=1024, errors=1}");
    }

    @Test
    void shouldCountExactlyUnderConcurrentIncrements() throws InterruptedException
    {
        final int threadCount = 4;
        final int incrementsPerThread = 100_000;
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++)
        {
            final Thread thread = new Thread(() ->
            {
                for (int i = 0; i < incrementsPerThread; i++)
                {
                    counters.increment(Counter.MESSAGES_RECEIVED);
                    counters.add(Counter.BYTES_RECEIVED, 3);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }

        assertThat(counters.get(Counter.MESSAGES_RECEIVED)).isEqualTo((long)threadCount * incrementsPerThread);
        assertThat(counters.get(Counter.BYTES_RECEIVED)).isEqualTo(3L * threadCount * incrementsPerThread);
    }

    @Test
    void shouldRecordLatenciesCumulatively()
    {
        for (int i = 1; i <= 100; i++)
        {
            counters.recordLatencyNs(i * 1_000L);
        }
        final Histogram first = counters.latencyHistogram();
        counters.recordLatencyNs(5_000_000L);
        final Histogram second = counters.latencyHistogram();

        assertThat(first.getTotalCount()).isEqualTo(100);
        assertThat(first.getValueAtPercentile(50)).isBetween(49_900L, 50_100L);
        assertThat(first.getMaxValue()).isBetween(99_900L, 100_100L);
        assertThat(second.getTotalCount()).isEqualTo(101);
        assertThat(second.getMaxValue()).isBetween(4_995_000L, 5_005_000L);
        assertThat(first.getTotalCount()).as("a returned histogram is a copy").isEqualTo(100);
    }

    @Test
    void shouldClampNegativeAndHugeLatencies()
    {
        counters.recordLatencyNs(-5);
        counters.recordLatencyNs(Long.MAX_VALUE);

        final Histogram histogram = counters.latencyHistogram();
        assertThat(histogram.getTotalCount()).isEqualTo(2);
        assertThat(histogram.getMinValue()).isZero();
        assertThat(histogram.getMaxValue()).isBetween(3_590_000_000_000L, 3_610_000_000_000L);
    }
}
