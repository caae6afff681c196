package io.conduit.internal.tcp;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TcpConnectorBackoffTest
{
    private static final long MIN_MS = 10;
    private static final long MAX_MS = 2_000;

    @Test
    void shouldDoubleTheCeilingWithEachAttemptUpToTheMaximum()
    {
        final long[] ceilings = {10, 20, 40, 80, 160, 320, 640, 1_280, 2_000, 2_000};
        final Random random = new Random(42);
        for (int attempts = 0; attempts < ceilings.length; attempts++)
        {
            for (int i = 0; i < 1_000; i++)
            {
                assertThat(TcpConnector.backoffDelayMs(attempts, MIN_MS, MAX_MS, random))
                    .as("attempts=%d", attempts)
                    .isBetween(ceilings[attempts] / 2, ceilings[attempts]);
            }
        }
        assertThat(TcpConnector.backoffDelayMs(10_000, MIN_MS, MAX_MS, random)).isBetween(MAX_MS / 2, MAX_MS);
    }

    @Test
    void shouldSpreadPeersThatFailedTogether()
    {
        final Random random = new Random(7);
        final Set<Long> delays = new HashSet<>();
        for (int peer = 0; peer < 100; peer++)
        {
            delays.add(TcpConnector.backoffDelayMs(6, MIN_MS, MAX_MS, random));
        }
        // 100 peers at the same attempt draw from 321 possible delays (320..640 ms): nowhere near all alike.
        assertThat(delays.size()).isGreaterThan(50);
    }
}
