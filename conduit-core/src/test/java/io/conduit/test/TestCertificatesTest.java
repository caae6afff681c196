package io.conduit.test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test PKI works with the JDK's own TLS 1.3, so a failure of a Conduit TLS test is Conduit's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestCertificatesTest
{
    @TempDir
    static Path dir;

    private static TestCertificates certificates;

    @BeforeAll
    static void create()
    {
        certificates = TestCertificates.create(dir);
    }

    @Test
    void shouldWritePemCertificatesAndPkcs8Keys() throws Exception
    {
        assertThat(Files.readString(certificates.serverCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(certificates.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(certificates.clientKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(certificates.untrustedClientKey())).startsWith("-----BEGIN PRIVATE KEY-----");

        final X509Certificate server = TestCertificates.readCertificate(certificates.serverCertificate());
        final X509Certificate ca = TestCertificates.readCertificate(certificates.caCertificate());
        server.verify(ca.getPublicKey());
        server.checkValidity();
        assertThat(server.getSubjectAlternativeNames()).extracting(name -> (Object)name.get(1))
            .contains((Object)"127.0.0.1", "localhost");
        assertThat(ca.getBasicConstraints()).isNotNegative();
    }

    @Test
    void shouldHandshakeMutualTls13WithTrustedClient() throws Exception
    {
        assertThat(handshake(certificates.clientCertificate(), certificates.clientKey())).isEqualTo("TLSv1.3");
    }

    @Test
    void shouldRefuseClientOfUntrustedAuthority()
    {
        assertThatThrownBy(() -> handshake(certificates.untrustedClientCertificate(), certificates.untrustedClientKey()))
            .isInstanceOf(Exception.class);
    }

    private static String handshake(final Path clientCertificate, final Path clientKey) throws Exception
    {
        final SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(
            TestCertificates.keyManagerFactory(certificates.serverCertificate(), certificates.serverKey())
                .getKeyManagers(),
            TestCertificates.trustManagerFactory(certificates.caCertificate()).getTrustManagers(), null);
        final SSLContext clientContext = SSLContext.getInstance("TLSv1.3");
        clientContext.init(
            TestCertificates.keyManagerFactory(clientCertificate, clientKey).getKeyManagers(),
            TestCertificates.trustManagerFactory(certificates.caCertificate()).getTrustManagers(), null);

        try (SSLServerSocket server = (SSLServerSocket)serverContext.getServerSocketFactory().createServerSocket(0))
        {
            server.setNeedClientAuth(true);
            server.setEnabledProtocols(new String[]{"TLSv1.3"});
            final CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() ->
            {
                try (SSLSocket accepted = (SSLSocket)server.accept();
                    InputStream in = accepted.getInputStream();
                    OutputStream out = accepted.getOutputStream())
                {
                    out.write(in.read());
                    out.flush();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            try (SSLSocket client = (SSLSocket)clientContext.getSocketFactory().createSocket("127.0.0.1",
                server.getLocalPort()))
            {
                final var parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setProtocols(new String[]{"TLSv1.3"});
                client.setSSLParameters(parameters);
                client.setSoTimeout(10_000);
                client.getOutputStream().write(42);
                client.getOutputStream().flush();
                final int echoed = client.getInputStream().read();
                if (echoed != 42)
                {
                    throw new IllegalStateException("no echo: read=" + echoed);
                }
                serverSide.get(10, TimeUnit.SECONDS);
                return client.getSession().getProtocol();
            }
        }
    }

    @Test
    void shouldListEveryFile()
    {
        assertThat(List.of(
            certificates.caCertificate(), certificates.serverCertificate(), certificates.serverKey(),
            certificates.clientCertificate(), certificates.clientKey(), certificates.untrustedCaCertificate(),
            certificates.untrustedClientCertificate(), certificates.untrustedClientKey()))
            .allSatisfy(file -> assertThat(file).isRegularFile().isReadable());
    }
}
