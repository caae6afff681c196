package io.conduit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConduitContextTest
{
    @TempDir
    Path dir;

    static Stream<Arguments> invalidSettings()
    {
        return Stream.of(
            invalid("maxMessageLength", c -> c.maxMessageLength(0)),
            invalid("idle=sleepy", c -> c.idleStrategy("sleepy")),
            invalid("heartbeatIntervalMs", c -> c.heartbeatIntervalMs(0)),
            invalid("heartbeatTimeoutMs", c -> c.heartbeatIntervalMs(500).heartbeatTimeoutMs(500)),
            invalid("connectTimeoutMs", c -> c.connectTimeoutMs(-1)),
            invalid("reconnectBackoffMinMs", c -> c.reconnectBackoffMs(0, 10)),
            invalid("reconnectBackoffMaxMs", c -> c.reconnectBackoffMs(100, 10)),
            invalid("publicationWindowBytes", c -> c.publicationWindowBytes(1_000)),
            invalid("subscriptionBufferBytes", c -> c.subscriptionBufferBytes(100_000)),
            invalid("subscriptionBufferBytes", c -> c.subscriptionBufferBytes(32 * 1024)),
            invalid("tcpFrameLength", c -> c.tcpFrameLength(512)),
            invalid("tcpFrameLength", c -> c.subscriptionBufferBytes(1 << 20).tcpFrameLength(256 * 1024)));
    }

    private static Arguments invalid(final String expectedName, final Consumer<Conduit.Context> setting)
    {
        return Arguments.of(expectedName, setting);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void shouldRejectInvalidSettingNamingIt(final String expectedName, final Consumer<Conduit.Context> setting)
    {
        final Conduit.Context context = new Conduit.Context();
        setting.accept(context);

        assertThatIllegalArgumentException()
            .isThrownBy(context::conclude)
            .withMessageContaining(expectedName);
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Conduit.launch(context))
            .withMessageContaining(expectedName);
    }

    @Test
    void shouldRejectUnreadableTlsFilesNamingThem()
    {
        final Path missing = dir.resolve("missing.pem");

        assertThatIllegalArgumentException()
            .isThrownBy(() -> new Conduit.Context().tlsKeyPair(missing, missing).conclude())
            .withMessageContaining("tlsCertificateChainFile")
            .withMessageContaining(missing.toString());
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new Conduit.Context().tlsTrustedCertificates(missing).conclude())
            .withMessageContaining("tlsTrustedCertificatesFile");
    }

    @Test
    void shouldRequireCertificateAndKeyTogether() throws IOException
    {
        final Path certificate = Files.writeString(dir.resolve("cert.pem"), "x");

        assertThatIllegalArgumentException()
            .isThrownBy(() -> new Conduit.Context().tlsKeyPair(certificate, null).conclude())
            .withMessageContaining("tlsPrivateKeyFile");
    }

    @Test
    void shouldHaveDocumentedDefaults()
    {
        final Conduit.Context context = new Conduit.Context().conclude();

        assertThat(context.maxMessageLength()).isEqualTo(16 * 1024 * 1024);
        assertThat(context.idleStrategy().get()).isInstanceOf(BackoffIdleStrategy.class);
        assertThat(context.heartbeatIntervalMs()).isEqualTo(200);
        assertThat(context.heartbeatTimeoutMs()).isEqualTo(2_000);
        assertThat(context.connectTimeoutMs()).isEqualTo(5_000);
        assertThat(context.reconnectBackoffMinMs()).isEqualTo(10);
        assertThat(context.reconnectBackoffMaxMs()).isEqualTo(2_000);
        assertThat(context.publicationWindowBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(context.subscriptionBufferBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(context.tcpFrameLength()).isEqualTo(64 * 1024);
        assertThat(context.timestamps()).isFalse();
        assertThat(context.tlsClientAuth()).isFalse();
        assertThat(context.tlsCertificateChainFile()).isNull();
    }

    @Test
    void shouldTakeDefaultsFromSystemProperties()
    {
        System.setProperty("conduit.max.message.length", "1m");
        System.setProperty("conduit.idle", "yield");
        System.setProperty("conduit.heartbeat.timeout.ms", "750");
        System.setProperty("conduit.timestamps", "true");
        try
        {
            final Conduit.Context context = new Conduit.Context().conclude();

            assertThat(context.maxMessageLength()).isEqualTo(1 << 20);
            assertThat(context.idleStrategy().get()).isInstanceOf(YieldingIdleStrategy.class);
            assertThat(context.heartbeatTimeoutMs()).isEqualTo(750);
            assertThat(context.timestamps()).isTrue();
        }
        finally
        {
            System.clearProperty("conduit.max.message.length");
            System.clearProperty("conduit.idle");
            System.clearProperty("conduit.heartbeat.timeout.ms");
            System.clearProperty("conduit.timestamps");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "conduit.heartbeat.timeout.ms, abc, a whole number",
        "conduit.shm.liveness.timeout.ms, 1.5, a whole number",
        "conduit.tls.client.auth, yes, true or false",
        "conduit.timestamps, ture, true or false",
        "conduit.max.message.length, 16q, a size"})
    void shouldNameAMalformedSystemPropertyInsteadOfFallingBackToItsDefault(
        final String name, final String value, final String expected)
    {
        System.setProperty(name, value);
        try
        {
            assertThatIllegalArgumentException().isThrownBy(Conduit.Context::new)
                .withMessageContaining(name + "=" + value)
                .withMessageContaining(expected);
        }
        finally
        {
            System.clearProperty(name);
        }
    }

    @Test
    void shouldRefuseChangesOnceConcluded()
    {
        final Conduit.Context context = new Conduit.Context().conclude();

        assertThatIllegalStateException().isThrownBy(() -> context.maxMessageLength(1024));
        assertThatIllegalStateException().isThrownBy(() -> context.tlsClientAuth(true));
        assertThat(context.conclude()).isSameAs(context);
    }

    @Test
    void shouldGiveEachThreadItsOwnIdleStrategy()
    {
        final Conduit.Context context = new Conduit.Context().idleStrategy("busy-spin").conclude();

        assertThat(context.idleStrategy().get()).isInstanceOf(BusySpinIdleStrategy.class)
            .isNotSameAs(context.idleStrategy().get());
    }
}
