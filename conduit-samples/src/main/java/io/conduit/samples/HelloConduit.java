package io.conduit.samples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * The README's tour: say hello over TCP on loopback, shared memory and within the process. Only the endpoint URI
 * changes.
 */
public final class HelloConduit
{
    private HelloConduit()
    {
    }

    /**
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        try (Conduit conduit = Conduit.launch())
        {
            System.out.println(exchange(conduit, "tcp://127.0.0.1:0")); // port 0: the subscription picks a free port
            System.out.println(exchange(conduit, "shm:hello")); // a private log in /dev/shm/conduit-<user>
            System.out.println(exchange(conduit, "inproc:hello"));
        }
    }

    /**
     * Subscribe to an endpoint, publish one message to it, and wait for it to arrive.
     *
     * @param conduit to work with.
     * @param uri     of the endpoint.
     * @return what arrived, and where from.
     */
    public static String exchange(final Conduit conduit, final String uri)
    {
        try (Subscription subscription = conduit.addSubscription(uri, 1); // TCP: the subscription listens
            Publication publication = conduit.addPublication(subscription.endpoint().toString(), 1))
        {
            publication.send("hello".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)); // waits to connect

            final StringBuilder received = new StringBuilder();
            subscription.poll((buffer, offset, length, header) -> // sleeps until a message arrives, at most 5 s
                received.append(StandardCharsets.UTF_8.decode(buffer.slice(offset, length)))
                    .append(" from session ").append(header.sessionId()), 10, TimeUnit.SECONDS.toNanos(5));
            return subscription.endpoint() + ": " + received;
        }
    }
}
