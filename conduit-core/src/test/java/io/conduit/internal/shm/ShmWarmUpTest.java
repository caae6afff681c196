package io.conduit.internal.shm;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShmWarmUpTest
{
    @Test
    void shouldWrapThePrivateRingManyTimes()
    {
        final long position = ShmWarmUp.run();
        // The point is the pad frame at the end of the ring: it must be met often enough to be profiled.
        assertThat(position / LogDescriptor.MIN_CAPACITY).isGreaterThan(20);
    }
}
