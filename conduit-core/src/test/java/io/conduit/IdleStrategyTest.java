package io.conduit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IdleStrategyTest
{
    @ParameterizedTest
    @CsvSource({
        "busy-spin, io.conduit.BusySpinIdleStrategy",
        "yield, io.conduit.YieldingIdleStrategy",
        "backoff, io.conduit.BackoffIdleStrategy",
        "BACKOFF, io.conduit.BackoffIdleStrategy"
    })
    void shouldMakeStrategyFromName(final String name, final String expectedClass)
    {
        final IdleStrategy strategy = IdleStrategy.fromName(name);

        assertThat(strategy.getClass().getName()).isEqualTo(expectedClass);
        assertThat(strategy.toString()).isEqualToIgnoringCase(name);
    }

    @Test
    void shouldMakeNewInstanceEachTime()
    {
        assertThat(IdleStrategy.fromName("backoff")).isNotSameAs(IdleStrategy.fromName("backoff"));
    }

    @Test
    void shouldRejectUnknownNameNamingIt()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> IdleStrategy.fromName("sleepy"))
            .withMessageContaining("idle=sleepy");
    }

    @Test
    void shouldRejectInvalidBackoffLimits()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new BackoffIdleStrategy(-1, 1, 1, 1))
            .withMessageContaining("maxSpins=-1");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new BackoffIdleStrategy(1, 1, 10, 5))
            .withMessageContaining("maxParkNs=5");
    }

    @Test
    void shouldParkOnlyAfterSpinsAndYieldsAndStartOverAfterWork()
    {
        final long parkNs = TimeUnit.MILLISECONDS.toNanos(20);
        // A park may return early: on a permit another thread left for this one (earlier tests in this JVM wake
        // pollers by unparking them), or spuriously; and a loaded machine may preempt a spin or a yield. So it is
        // measured up to three times: a strategy that never parks, or parks too soon, fails all three.
        long parkedNs = 0;
        long spinAndYieldNs = Long.MAX_VALUE;
        long afterWorkNs = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && !(parkedNs >= parkNs / 2 && spinAndYieldNs < parkNs / 2 &&
            afterWorkNs < parkNs / 2); attempt++)
        {
            Thread.interrupted();
            LockSupport.parkNanos(1); // takes a stale permit, if there is one
            final BackoffIdleStrategy strategy = new BackoffIdleStrategy(3, 2, parkNs, parkNs);

            final long spinAndYieldStartNs = System.nanoTime();
            for (int i = 0; i < 5; i++)
            {
                strategy.idle(0);
            }
            spinAndYieldNs = System.nanoTime() - spinAndYieldStartNs;
            final long parkStartNs = System.nanoTime();
            strategy.idle(0);
            parkedNs = System.nanoTime() - parkStartNs;
            strategy.idle(1);
            final long afterWorkStartNs = System.nanoTime();
            strategy.idle(0);
            afterWorkNs = System.nanoTime() - afterWorkStartNs;
        }
        assertThat(spinAndYieldNs).isLessThan(parkNs / 2);
        assertThat(afterWorkNs).isLessThan(parkNs / 2);
        assertThat(parkedNs).isGreaterThanOrEqualTo(parkNs / 2);
    }

    @Test
    void shouldNeverBlockWhenSpinningOrYielding()
    {
        final IdleStrategy[] strategies = {new BusySpinIdleStrategy(), new YieldingIdleStrategy()};
        for (final IdleStrategy strategy : strategies)
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < 1_000; i++)
            {
                strategy.idle(0);
            }
            strategy.reset();
            assertThat(System.nanoTime() - startNs).isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
