package io.conduit.systemtest.rpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;
import io.conduit.rpc.RetryPolicy;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;
import io.conduit.test.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RPC over mutual TLS between processes: the server process sees the client's verified certificate subject, and
 * refuses a client whose certificate it does not trust.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RpcTlsProcessTest
{
    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @TempDir
    Path directory;

    @Test
    void shouldShowTheClientIdentityToTheServerProcessOverMutualTls()
    {
        final TestCertificates certificates = TestCertificates.create(directory);
        final JavaProcess server = processes.start("tls-server", List.of(
            "-Dconduit.tls.certificate.chain=" + certificates.serverCertificate(),
            "-Dconduit.tls.private.key=" + certificates.serverKey(),
            "-Dconduit.tls.trusted.certificates=" + certificates.caCertificate(),
            "-Dconduit.tls.client.auth=true"), WorkServerMain.class, "tcp://127.0.0.1:0?tls=true", "tls");
        final String endpoint = server.awaitLine(RpcProcessTest.READY, RpcProcessTest.START_TIMEOUT).group(1);

        try (Conduit trusted = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.clientCertificate(), certificates.clientKey())
                .tlsTrustedCertificates(certificates.caCertificate()));
            RpcClient client = RpcClient.builder(trusted).endpoint(endpoint)
                .defaultDeadline(Duration.ofSeconds(20)).build();
            Conduit untrusted = Conduit.launch(new Conduit.Context()
                .tlsKeyPair(certificates.untrustedClientCertificate(), certificates.untrustedClientKey())
                .tlsTrustedCertificates(certificates.caCertificate()));
            RpcClient intruder = RpcClient.builder(untrusted).endpoint(endpoint).retry(RetryPolicy.none())
                .defaultDeadline(Duration.ofSeconds(20)).build())
        {
            final String[] who = client.proxy(WorkService.class).whoAmI().split("\\|");

            assertThat(who[0]).isEqualTo("tls");
            assertThat(who[1]).startsWith("CN=");
            assertThatThrownBy(() -> intruder.proxy(WorkService.class).whoAmI())
                .isInstanceOfSatisfying(RpcException.class,
                    ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        }
    }
}
