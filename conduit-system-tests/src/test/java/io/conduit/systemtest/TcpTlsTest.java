package io.conduit.systemtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Publication;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;
import io.conduit.test.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS 1.3 and mutual TLS between a subscriber process (listening) and publishers in this JVM, and refusal of
 * peers whose certificates are not trusted.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TcpTlsTest
{
    private static final int STREAM_ID = 31;
    private static final int COUNT = 2_000;
    private static final Duration REFUSAL_WINDOW = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    private static TestCertificates certificates;

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @BeforeAll
    static void createCertificates()
    {
        certificates = TestCertificates.create(dir);
    }

    @Test
    void shouldRoundTripOverTls()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "tls-subscriber", listenerSettings(false),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, COUNT);
        final int port = Children.port(subscriber);

        try (Conduit conduit = Conduit.launch(new Conduit.Context()
            .tlsTrustedCertificates(certificates.caCertificate())))
        {
            sendAll(conduit.addPublication("tcp://127.0.0.1:" + port + "?tls=true", STREAM_ID));
            assertDeliveredWhole(subscriber);
            assertThat(conduit.counters().get(Counter.TLS_FAILURES)).isZero();
        }
    }

    @Test
    void shouldRoundTripOverMutualTls()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "mtls-subscriber", listenerSettings(true),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, COUNT);
        final int port = Children.port(subscriber);

        try (Conduit conduit = Conduit.launch(new Conduit.Context()
            .tlsKeyPair(certificates.clientCertificate(), certificates.clientKey())
            .tlsTrustedCertificates(certificates.caCertificate())))
        {
            sendAll(conduit.addPublication("tcp://localhost:" + port + "?tls=true", STREAM_ID));
            assertDeliveredWhole(subscriber);
        }
    }

    @Test
    void shouldRoundTripOverMutualTlsWithKeyAndTrustManagerFactories()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "mtls-subscriber", listenerSettings(true),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, COUNT);
        final int port = Children.port(subscriber);

        try (Conduit conduit = Conduit.launch(new Conduit.Context()
            .tlsKeyManagerFactory(TestCertificates.keyManagerFactory(
                certificates.clientCertificate(), certificates.clientKey()))
            .tlsTrustManagerFactory(TestCertificates.trustManagerFactory(certificates.caCertificate()))))
        {
            sendAll(conduit.addPublication("tcp://127.0.0.1:" + port + "?tls=true", STREAM_ID));
            assertDeliveredWhole(subscriber);
        }
    }

    @Test
    void shouldRefuseClientWithUntrustedCertificateAndKeepServingTrustedClient()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "mtls-subscriber", listenerSettings(true),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, 0);
        final String uri = "tcp://127.0.0.1:" + Children.port(subscriber) + "?tls=true";

        try (Conduit good = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.clientCertificate(), certificates.clientKey())
                .tlsTrustedCertificates(certificates.caCertificate()));
            Conduit bad = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.untrustedClientCertificate(), certificates.untrustedClientKey())
                .tlsTrustedCertificates(certificates.caCertificate())))
        {
            final Publication goodPublication = good.addPublication(uri, STREAM_ID);
            final Publication badPublication = bad.addPublication(uri, STREAM_ID);
            final Sender sender = new Sender(goodPublication);
            sender.sendUntil(() -> Status.latest(subscriber).getOrZero("received") >= 100, Duration.ofSeconds(20));

            final List<Long> badResults = new ArrayList<>();
            final long endNs = System.nanoTime() + REFUSAL_WINDOW.toNanos();
            boolean badEverConnected = false;
            while (System.nanoTime() - endNs < 0 || Status.latest(subscriber).getOrZero("TLS_FAILURES") == 0)
            {
                badEverConnected |= badPublication.isConnected();
                badResults.add(badPublication.offer(new byte[Payloads.MIN_LENGTH]));
                sender.sendOne();
                if (System.nanoTime() - endNs > TimeUnit.SECONDS.toNanos(10))
                {
                    break;
                }
            }
            final long receivedAfter = Status.latest(subscriber).getOrZero("received");
            sender.sendUntil(() -> Status.latest(subscriber).getOrZero("received") >= receivedAfter + 100,
                Duration.ofSeconds(20));
            final Status status = Status.latest(subscriber);

            assertThat(badEverConnected).as("a client of an untrusted CA must never be connected").isFalse();
            assertThat(badResults).containsOnly(Publication.NOT_CONNECTED);
            assertThat(status.get("TLS_FAILURES")).as("listener counts the refused handshakes").isPositive();
            assertThat(status.get("sessions")).as("only the trusted client's session arrived").isEqualTo(1);
            assertThat(status.get("duplicates") + status.get("gaps") + status.get("outOfOrder")).isZero();
            assertThat(goodPublication.isConnected()).isTrue();
            assertThat(subscriber.output()).contains("tls handshake failed");
        }
    }

    @Test
    void shouldReportRefusedClientCertificateAsTlsFailureOnTheClientToo()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "mtls-subscriber", listenerSettings(true),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, 0);
        final String uri = "tcp://127.0.0.1:" + Children.port(subscriber) + "?tls=true";

        try (Conduit bad = Conduit.launch(new Conduit.Context()
            .tlsKeyPair(certificates.untrustedClientCertificate(), certificates.untrustedClientKey())
            .tlsTrustedCertificates(certificates.caCertificate())))
        {
            final Publication publication = bad.addPublication(uri, STREAM_ID);
            await(() -> Status.latest(subscriber).getOrZero("TLS_FAILURES") > 0, Duration.ofSeconds(10));

            await(() -> bad.counters().get(Counter.TLS_FAILURES) > 0, Duration.ofSeconds(5));
            assertThat(publication.isConnected()).isFalse();
        }
    }

    @Test
    void shouldRefuseListenerWhoseCertificateTheClientDoesNotTrust()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "tls-subscriber", listenerSettings(false),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, 0);
        final String uri = "tcp://127.0.0.1:" + Children.port(subscriber) + "?tls=true";

        try (Conduit distrustful = Conduit.launch(new Conduit.Context()
            .tlsTrustedCertificates(certificates.untrustedCaCertificate())))
        {
            final Publication publication = distrustful.addPublication(uri, STREAM_ID);
            final long endNs = System.nanoTime() + REFUSAL_WINDOW.toNanos();
            boolean everConnected = false;
            while (System.nanoTime() - endNs < 0)
            {
                everConnected |= publication.isConnected();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }

            assertThat(everConnected).isFalse();
            assertThat(publication.offer(new byte[8])).isEqualTo(Publication.NOT_CONNECTED);
            await(() -> distrustful.counters().get(Counter.TLS_FAILURES) > 0, Duration.ofSeconds(10));
            assertThat(Status.latest(subscriber).get("received")).isZero();
        }
    }

    @Test
    void shouldNegotiateTls13AndRefuseTls12Clients() throws Exception
    {
        final JavaProcess subscriber = Children.subscriber(processes, "tls-subscriber", listenerSettings(false),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, 0);
        final int port = Children.port(subscriber);
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, TestCertificates.trustManagerFactory(certificates.caCertificate()).getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket)ssl.getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket socket = (SSLSocket)ssl.getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }
        await(() -> Status.latest(subscriber).getOrZero("TLS_FAILURES") > 0, Duration.ofSeconds(10));
    }

    @Test
    void shouldRefusePlaintextClientOnTlsListener()
    {
        final JavaProcess subscriber = Children.subscriber(processes, "tls-subscriber", listenerSettings(false),
            "tcp://127.0.0.1:0?tls=true", STREAM_ID, 0);
        final int port = Children.port(subscriber);

        try (Conduit plaintext = Conduit.launch())
        {
            final Publication publication = plaintext.addPublication("tcp://127.0.0.1:" + port, STREAM_ID);
            await(() -> Status.latest(subscriber).getOrZero("TLS_FAILURES") > 0, Duration.ofSeconds(10));

            assertThat(publication.isConnected()).isFalse();
            assertThat(Status.latest(subscriber).get("received")).isZero();
        }
    }

    private static List<String> listenerSettings(final boolean clientAuth)
    {
        final List<String> settings = new ArrayList<>(Children.properties(
            "conduit.tls.certificate.chain", certificates.serverCertificate().toString(),
            "conduit.tls.private.key", certificates.serverKey().toString()));
        if (clientAuth)
        {
            settings.addAll(Children.properties(
                "conduit.tls.trusted.certificates", certificates.caCertificate().toString(),
                "conduit.tls.client.auth", "true"));
        }
        return settings;
    }

    private static void sendAll(final Publication publication)
    {
        final Sender sender = new Sender(publication);
        for (int i = 0; i < COUNT; i++)
        {
            sender.send(Duration.ofSeconds(20));
        }
    }

    private static void assertDeliveredWhole(final JavaProcess subscriber)
    {
        final Status done = Status.of(subscriber.awaitLine(Status.DONE, Duration.ofSeconds(20)));
        assertThat(done.get("received")).isEqualTo(COUNT);
        assertThat(done.get("firstSequence")).isZero();
        assertThat(done.get("duplicates") + done.get("gaps") + done.get("outOfOrder") + done.get("corrupt")).isZero();
        assertThat(done.get("TLS_FAILURES")).isZero();
    }

    private static void await(final BooleanSupplier condition, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * Sends numbered messages on one publication.
     */
    private static final class Sender
    {
        private final Publication publication;
        private final byte[] message = new byte[64];
        private long sequence;

        Sender(final Publication publication)
        {
            this.publication = publication;
        }

        void send(final Duration timeout)
        {
            Payloads.encode(message, sequence);
            publication.send(message, timeout);
            sequence++;
        }

        void sendOne()
        {
            Payloads.encode(message, sequence);
            if (publication.offer(message) > 0)
            {
                sequence++;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
        }

        void sendUntil(final BooleanSupplier condition, final Duration timeout)
        {
            final long deadlineNs = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean())
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new AssertionError("condition not met within " + timeout.toMillis() + " ms: " + publication);
                }
                sendOne();
            }
        }
    }
}
