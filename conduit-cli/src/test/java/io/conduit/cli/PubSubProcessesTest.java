package io.conduit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code conduit pub} and {@code conduit sub} as separate JVMs over TCP on loopback, and their errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PubSubProcessesTest
{
    private static final long PROCESS_TIMEOUT_S = 40;

    @TempDir
    Path output;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void shouldDeliverEveryMessageFromPublisherStartedBeforeItsSubscriber(final String transport) throws Exception
    {
        final String endpoint = transport.equals("tcp") ? "tcp://127.0.0.1:" + ProcessOutputs.freePort() :
            "shm:cli-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        final Process pub = start("pub",
            "pub", endpoint, "--count", "20000", "--rate", "20000", "--size", "64", "--timeout", "30", "--json");
        final Process sub = start("sub", "sub", endpoint, "--count", "20000", "--timeout", "20", "--json");

        assertThat(sub.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(ProcessOutputs.read(output, "pub.err")).isZero();
        assertThat(sub.exitValue()).as(ProcessOutputs.read(output, "sub.err")).isZero();

        final Map<String, Object> sent = FlatJson.parse(ProcessOutputs.lastLine(output, "pub.out"));
        assertThat(sent).containsEntry("sent", 20_000.0).containsEntry("bytes", 1_280_000.0);
        final Map<String, Object> received = FlatJson.parse(ProcessOutputs.lastLine(output, "sub.out"));
        assertThat(received)
            .containsEntry("received", 20_000.0)
            .containsEntry("bytes", 1_280_000.0)
            .containsEntry("gaps", 0.0)
            .containsEntry("duplicates", 0.0)
            .containsEntry("outOfOrder", 0.0);
        assertThat((Double)received.get("p50Us")).isPositive();
    }

    @Test
    void shouldReportPortInUseOnOneLine() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CliRun run = CliRun.run("sub", "tcp://127.0.0.1:" + taken.getLocalPort(), "--timeout", "1");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).startsWith("conduit sub: ").contains(String.valueOf(taken.getLocalPort()))
                .doesNotContain("\n");
        }
    }

    @Test
    void shouldReportUnreachableSubscriberAfterTimeout() throws IOException
    {
        final int port = ProcessOutputs.freePort();

        final CliRun run = CliRun.run("pub", "tcp://127.0.0.1:" + port, "--timeout", "0.5");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("conduit pub: no subscriber connected: endpoint=tcp://127.0.0.1:" + port +
            ", streamId=1, timeoutMs=500" + System.lineSeparator());
    }

    private Process start(final String name, final String... args) throws IOException
    {
        return new ProcessBuilder(JavaProcess.command(ConduitCommand.class, args))
            .redirectOutput(output.resolve(name + ".out").toFile())
            .redirectError(output.resolve(name + ".err").toFile())
            .start();
    }
}
