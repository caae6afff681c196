package io.conduit.rpc;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.test.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RPC over TLS 1.3 and mutual TLS with the Conduit's TLS settings; the server sees the caller's certificate.
 */
@Timeout(60)
class TlsTest
{
    @TempDir
    Path directory;

    @Test
    void shouldShowTheVerifiedClientIdentityOverMutualTls()
    {
        final TestCertificates certificates = TestCertificates.create(directory);
        try (Conduit serverConduit = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.serverCertificate(), certificates.serverKey())
                .tlsTrustedCertificates(certificates.caCertificate())
                .tlsClientAuth(true));
            Conduit clientConduit = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.clientCertificate(), certificates.clientKey())
                .tlsTrustedCertificates(certificates.caCertificate()));
            RpcServer server = RpcServer.builder(serverConduit).endpoint("tcp://127.0.0.1:0?tls=true")
                .service(TestService.class, new TestServiceImpl("tls")).build();
            RpcClient client = RpcClient.builder(clientConduit).endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(10)).build())
        {
            final String[] parts = client.proxy(TestService.class).whoAmI().split("\\|");

            assertThat(server.endpoint()).contains("tls=true");
            assertThat(parts[0]).isEqualTo("tls");
            assertThat(parts[1]).contains("CN=");
            assertThat(parts[1]).isNotEqualTo("null");
        }
    }

    @Test
    void shouldRefuseAClientWithoutATrustedCertificate()
    {
        final TestCertificates certificates = TestCertificates.create(directory);
        try (Conduit serverConduit = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.serverCertificate(), certificates.serverKey())
                .tlsTrustedCertificates(certificates.caCertificate())
                .tlsClientAuth(true));
            Conduit clientConduit = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.untrustedClientCertificate(), certificates.untrustedClientKey())
                .tlsTrustedCertificates(certificates.caCertificate()));
            RpcServer server = RpcServer.builder(serverConduit).endpoint("tcp://127.0.0.1:0?tls=true")
                .service(TestService.class, new TestServiceImpl("tls")).build();
            RpcClient client = RpcClient.builder(clientConduit).endpoint(server.endpoint())
                .retry(RetryPolicy.none()).defaultDeadline(Duration.ofSeconds(10)).build())
        {
            assertThatThrownBy(() -> client.proxy(TestService.class).whoAmI())
                .isInstanceOfSatisfying(RpcException.class,
                    ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        }
    }

    @Test
    void shouldServeTlsWithoutClientCertificates()
    {
        final TestCertificates certificates = TestCertificates.create(directory);
        try (Conduit serverConduit = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.serverCertificate(), certificates.serverKey()));
            Conduit clientConduit = Conduit.launch(new Conduit.Context()
                .tlsTrustedCertificates(certificates.caCertificate()));
            RpcServer server = RpcServer.builder(serverConduit).endpoint("tcp://127.0.0.1:0?tls=true")
                .service(TestService.class, new TestServiceImpl("tls")).build();
            RpcClient client = RpcClient.builder(clientConduit).endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(10)).build())
        {
            assertThat(client.proxy(TestService.class).whoAmI()).isEqualTo("tls|null|-");
        }
    }
}
