package io.conduit.internal.tcp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of {@link ConnectionLiveness}, run by hand against a clock the test moves.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLivenessTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(2_000);
    private static final long CHECK_NS = INTERVAL_NS / 4;

    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger silences = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private long nowNs = 1_000_000_000L;
    private final ConnectionLiveness liveness = new ConnectionLiveness(
        TimeUnit.NANOSECONDS.toMillis(INTERVAL_NS), TimeUnit.NANOSECONDS.toMillis(TIMEOUT_NS),
        heartbeats::incrementAndGet, silences::incrementAndGet, paused::get, () -> nowNs);
    private final EmbeddedChannel channel = new EmbeddedChannel(liveness);

    @Test
    void shouldSendAHeartbeatPerIntervalWithoutWritesAndNoneWhileWriting()
    {
        checkUntil(INTERVAL_NS - 1, false, true);
        assertThat(heartbeats.get()).isZero();
        checkUntil(INTERVAL_NS, false, true);
        assertThat(heartbeats.get()).isEqualTo(1);
        checkUntil(5 * INTERVAL_NS, false, true);
        assertThat(heartbeats.get()).isEqualTo(5);

        checkUntil(10 * INTERVAL_NS, true, true);
        assertThat(heartbeats.get()).as("a connection that writes needs no heartbeat").isEqualTo(5);
    }

    @Test
    void shouldDeclareASilentPeerDeadOnceAtTheTimeout()
    {
        checkUntil(TIMEOUT_NS - 1, true, false);
        assertThat(silences.get()).isZero();
        checkUntil(TIMEOUT_NS, true, false);
        assertThat(silences.get()).isEqualTo(1);
        assertThat(liveness.isChecking()).as("checks stop after the verdict").isFalse();
    }

    @Test
    void shouldKeepAPeerThatIsReadFromAlive()
    {
        checkUntil(3 * TIMEOUT_NS, true, true);
        assertThat(silences.get()).isZero();
        assertThat(liveness.isChecking()).isTrue();
    }

    @Test
    void shouldNotBlameThePeerWhileThisSideIsNotReadingAndRestartTheTimeoutAfter()
    {
        paused.set(true);
        checkUntil(3 * TIMEOUT_NS, true, false);
        assertThat(silences.get()).isZero();
        paused.set(false);
        final long resumedNs = 3 * TIMEOUT_NS;
        checkUntil(resumedNs + TIMEOUT_NS - 1, true, false);
        assertThat(silences.get()).as("a whole timeout after the last check while paused").isZero();
        checkUntil(resumedNs + TIMEOUT_NS, true, false);
        assertThat(silences.get()).isEqualTo(1);
    }

    @Test
    void shouldStopCheckingOnceTheChannelCloses()
    {
        assertThat(liveness.isChecking()).isTrue();
        channel.close();
        assertThat(liveness.isChecking()).isFalse();
    }

    /**
     * Move the clock in check periods up to {@code untilNs} after the start, checking at each step; before each
     * check, optionally record a write and a read at that time.
     */
    private void checkUntil(final long untilNs, final boolean write, final boolean read)
    {
        final long startNs = 1_000_000_000L;
        while (nowNs - startNs < untilNs)
        {
            nowNs = Math.min(nowNs + CHECK_NS, startNs + untilNs);
            if (write)
            {
                liveness.wrote(nowNs);
            }
            if (read)
            {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
                channel.releaseInbound();
            }
            liveness.check();
        }
    }
}
