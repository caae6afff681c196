package io.conduit.internal.tcp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLivenessTest
{
    private static final long INTERVAL_MS = 40;
    private static final long TIMEOUT_MS = 200;

    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger silences = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ConnectionLiveness liveness = new ConnectionLiveness(
        INTERVAL_MS, TIMEOUT_MS, heartbeats::incrementAndGet, silences::incrementAndGet, paused::get);
    private final EmbeddedChannel channel = new EmbeddedChannel(liveness);

    @Test
    void shouldSendHeartbeatsWhileNothingIsWrittenAndNoneWhileWriting()
    {
        runFor(5 * INTERVAL_MS, false, true);
        // One per interval; a stalled test thread catches up with fewer, never more.
        assertThat(heartbeats.get()).isBetween(2, 6);

        heartbeats.set(0);
        runFor(5 * INTERVAL_MS, true, true);
        assertThat(heartbeats.get()).isZero();
    }

    @Test
    void shouldDeclareASilentPeerDeadOnceAfterTheTimeout()
    {
        runFor(1, false, true);
        runFor(TIMEOUT_MS / 2, false, false);
        assertThat(silences.get()).isZero();
        runFor(TIMEOUT_MS, false, false);
        assertThat(silences.get()).isEqualTo(1);
        runFor(TIMEOUT_MS, false, false);
        assertThat(silences.get()).as("checks stop after the verdict").isEqualTo(1);
    }

    @Test
    void shouldKeepAPeerThatIsReadFromAlive()
    {
        runFor(3 * TIMEOUT_MS, false, true);
        assertThat(silences.get()).isZero();
    }

    @Test
    void shouldNotBlameThePeerWhileThisSideIsNotReading()
    {
        paused.set(true);
        runFor(3 * TIMEOUT_MS, false, false);
        assertThat(silences.get()).isZero();
        paused.set(false);
        runFor(TIMEOUT_MS / 2, false, false);
        assertThat(silences.get()).as("the timeout starts again after a pause").isZero();
    }

    @Test
    void shouldStopCheckingOnceTheChannelCloses()
    {
        channel.close();
        runFor(3 * TIMEOUT_MS, false, false);
        assertThat(heartbeats.get()).isZero();
        assertThat(silences.get()).isZero();
    }

    /**
     * Run the channel's scheduled tasks for a while, optionally writing and reading all along.
     */
    private void runFor(final long millis, final boolean write, final boolean read)
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - endNs < 0)
        {
            if (write)
            {
                liveness.wrote(System.nanoTime());
            }
            if (read)
            {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
                channel.releaseInbound();
            }
            channel.runScheduledPendingTasks();
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
