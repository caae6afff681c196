package io.conduit.systemtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Publication;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher (this JVM) and a subscriber process that is killed, frozen and restarted: the publisher notices
 * within its heartbeat timeout and reconnects to the subscriber that comes back on the same port.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TcpPeerFailureTest
{
    private static final int STREAM_ID = 21;
    private static final long HEARTBEAT_INTERVAL_MS = 100;
    private static final long HEARTBEAT_TIMEOUT_MS = 1_000;
    private static final long RECONNECT_BACKOFF_MAX_MS = 200;
    private static final long DETECTION_SLACK_MS = 1_000;
    private static final List<String> SUBSCRIBER_SETTINGS = Children.properties(
        "conduit.heartbeat.interval.ms", Long.toString(HEARTBEAT_INTERVAL_MS),
        "conduit.heartbeat.timeout.ms", Long.toString(HEARTBEAT_TIMEOUT_MS));

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    private final Conduit conduit = Conduit.launch(new Conduit.Context()
        .heartbeatIntervalMs(HEARTBEAT_INTERVAL_MS)
        .heartbeatTimeoutMs(HEARTBEAT_TIMEOUT_MS)
        .reconnectBackoffMs(10, RECONNECT_BACKOFF_MAX_MS));
    private final byte[] message = new byte[32];
    private long sequence;

    @AfterEach
    void close()
    {
        conduit.close();
    }

    @Test
    void shouldDetectKilledSubscriberWithinHeartbeatTimeoutAndReconnectWhenItRestarts()
    {
        final JavaProcess first = Children.subscriber(
            processes, "subscriber-1", SUBSCRIBER_SETTINGS, "tcp://127.0.0.1:0", STREAM_ID, 0);
        final int port = Children.port(first);
        final Publication publication = conduit.addPublication("tcp://127.0.0.1:" + port, STREAM_ID);
        publishUntil(publication, () -> Status.latest(first).getOrZero("received") >= 100, Duration.ofSeconds(20));

        first.kill();
        final long killedNs = System.nanoTime();
        publishUntil(publication, () -> !publication.isConnected(), Duration.ofSeconds(10));
        final long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        assertThat(publication.offer(message)).isEqualTo(Publication.NOT_CONNECTED);

        final JavaProcess second = Children.subscriber(
            processes, "subscriber-2", SUBSCRIBER_SETTINGS, "tcp://127.0.0.1:" + port, STREAM_ID, 0);
        final long restartedNs = System.nanoTime();
        publishUntil(publication, () -> Status.latest(second).getOrZero("received") >= 100, Duration.ofSeconds(20));
        final long reconnectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedNs);
        System.out.printf("killed subscriber detected in %d ms; restarted subscriber receiving after %d ms%n",
            detectedMs, reconnectedMs);

        assertThat(detectedMs).isLessThanOrEqualTo(HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS);
        final Status status = Status.latest(second);
        assertThat(status.get("duplicates")).isZero();
        assertThat(status.get("gaps")).isZero();
        assertThat(status.get("outOfOrder")).isZero();
        assertThat(status.get("corrupt")).isZero();
        assertThat(publication.isConnected()).isTrue();
    }

    @Test
    void shouldDetectFrozenSubscriberByHeartbeatTimeoutAndReconnectWhenItThaws()
    {
        final JavaProcess subscriber = Children.subscriber(
            processes, "subscriber", SUBSCRIBER_SETTINGS, "tcp://127.0.0.1:0", STREAM_ID, 0);
        final int port = Children.port(subscriber);
        final Publication publication = conduit.addPublication("tcp://127.0.0.1:" + port, STREAM_ID);
        publishUntil(publication, () -> Status.latest(subscriber).getOrZero("received") >= 100,
            Duration.ofSeconds(20));

        final long timeoutsBefore = conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS);
        subscriber.suspend();
        final long frozenNs = System.nanoTime();
        try
        {
            publishUntil(publication, () -> !publication.isConnected(), Duration.ofSeconds(10));
        }
        finally
        {
            subscriber.resume();
        }
        final long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenNs);
        System.out.printf("frozen subscriber detected in %d ms%n", detectedMs);

        assertThat(detectedMs).isBetween(HEARTBEAT_TIMEOUT_MS / 2, HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS);
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS) - timeoutsBefore).isEqualTo(1);

        final long receivedBefore = Status.latest(subscriber).getOrZero("received");
        publishUntil(publication, () -> publication.isConnected() &&
            Status.latest(subscriber).getOrZero("received") >= receivedBefore + 100, Duration.ofSeconds(20));
        assertThat(Status.latest(subscriber).get("sessions")).isEqualTo(1);
    }

    /**
     * Offer numbered messages at about 2,000 a second until a condition holds.
     */
    private void publishUntil(final Publication publication, final BooleanSupplier condition, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new AssertionError("condition not met within " + timeout.toMillis() + " ms: publication=" +
                    publication + ", counters=" + conduit.counters() + ", sequence=" + sequence);
            }
            Payloads.encode(message, sequence);
            if (publication.offer(message) > 0)
            {
                sequence++;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
        }
    }
}
