package io.conduit.internal.shm;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShmWarmUpTest
{
    @Test
    void shouldWrapThePrivateRingManyTimesWithinItsTimeLimit()
    {
        final long startNs = System.nanoTime();
        final long position = ShmWarmUp.run();
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        // The point is the pad frame at the end of the ring: it must be met often enough to be profiled.
        assertThat(position / LogDescriptor.MIN_CAPACITY).isGreaterThan(20);
        assertThat(elapsedMs).isLessThan(5_000);
    }
}
