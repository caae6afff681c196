package io.conduit.systemtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.conduit.Conduit;
import io.conduit.Publication;
import io.conduit.Publications;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out ({@code ?listen=publisher}): this JVM's publication listens, two subscriber processes connect, and each
 * receives every message exactly once and in order.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TcpFanOutTest
{
    private static final int STREAM_ID = 21;
    private static final long COUNT = 200_000;
    private static final int MESSAGE_BYTES = 64;
    private static final Pattern CONNECTED = Pattern.compile("^STATUS .*connected=true");

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @Test
    void shouldDeliverEveryMessageToEverySubscriberProcess()
    {
        try (Conduit conduit = Conduit.launch();
            Publication publication = conduit.addPublication("tcp://127.0.0.1:0?listen=publisher", STREAM_ID))
        {
            final String uri = publication.endpoint().address() + "?listen=publisher";
            final List<JavaProcess> subscribers = List.of(
                Children.subscriber(processes, "first", List.of(), uri, STREAM_ID, COUNT),
                Children.subscriber(processes, "second", List.of(), uri, STREAM_ID, COUNT));
            // A subscriber says it is connected once the publication has taken it on: nothing sent is missed.
            for (final JavaProcess subscriber : subscribers)
            {
                subscriber.awaitLine(CONNECTED, Duration.ofSeconds(30));
            }

            final byte[] message = new byte[MESSAGE_BYTES];
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long sent = 0;
            while (sent < COUNT && System.nanoTime() - deadlineNs < 0)
            {
                Payloads.encode(message, sent);
                final long result = publication.offer(message);
                if (result > 0)
                {
                    sent++;
                }
                else
                {
                    Publications.throwIfFinal(publication, result, MESSAGE_BYTES);
                    Thread.yield();
                }
            }
            assertThat(sent).isEqualTo(COUNT);

            for (final JavaProcess subscriber : subscribers)
            {
                final Status done = Status.of(subscriber.awaitLine(Status.DONE, Duration.ofSeconds(60)));
                done.assertDeliveredExactlyOnceInOrder(COUNT);
            }
        }
    }
}
