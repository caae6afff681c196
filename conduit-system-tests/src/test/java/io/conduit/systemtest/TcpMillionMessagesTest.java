package io.conduit.systemtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million messages from a publisher process to a subscriber process over TCP arrive exactly once, intact and
 * in order, whether the subscriber's I/O thread or its poller ({@code ?delivery=poller}) reads the socket.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpMillionMessagesTest
{
    private static final int STREAM_ID = 11;
    private static final long COUNT = 1_000_000;
    private static final int MESSAGE_BYTES = 64;

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @ParameterizedTest(name = "subscriber {0}")
    @ValueSource(strings = {"tcp://127.0.0.1:0", "tcp://127.0.0.1:0?delivery=poller"})
    void shouldDeliverOneMillionMessagesExactlyOnceInOrder(final String subscriberUri)
    {
        final JavaProcess subscriber = Children.subscriber(
            processes, "subscriber", List.of(), subscriberUri, STREAM_ID, COUNT);
        final int port = Children.port(subscriber);
        final long startNs = System.nanoTime();
        final JavaProcess publisher = Children.publisher(
            processes, "publisher", List.of(), "tcp://127.0.0.1:" + port, STREAM_ID, COUNT, MESSAGE_BYTES, 0);

        final Status done = Status.of(subscriber.awaitLine(Status.DONE, Duration.ofSeconds(90)));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final Status sent = Status.of(publisher.awaitLine(Status.DONE, Duration.ofSeconds(10)));
        System.out.printf("1,000,000 x %d B over %s in %d ms (including JVM start), subscriber %s%n",
            MESSAGE_BYTES, subscriberUri, elapsedMs, done);

        assertThat(sent.get("sent")).isEqualTo(COUNT);
        done.assertDeliveredExactlyOnceInOrder(COUNT);
        assertThat(done.get("headerMismatches")).isZero();
        assertThat(done.get("PROTOCOL_ERRORS")).isZero();
        assertThat(subscriber.awaitExit(Duration.ofSeconds(10))).isZero();
    }
}
