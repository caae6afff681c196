package io.conduit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code conduit rpc serve} and {@code conduit rpc call} as separate JVMs over TCP on loopback and over shared
 * memory, and their errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcProcessesTest
{
    private static final long PROCESS_TIMEOUT_S = 40;

    @TempDir
    Path output;

    static Stream<String> endpoints()
    {
        return Stream.of("tcp://127.0.0.1:0", "shm:cli-rpc-" + ProcessHandle.current().pid());
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldAnswerEveryCallFromAnotherProcessAndStopWhenItsStdinEnds(final String listen) throws Exception
    {
        final Process server = new ProcessBuilder(
            JavaProcess.command(ConduitCommand.class, "rpc", "serve", listen, "--json"))
            .redirectError(output.resolve("serve.err").toFile())
            .start();
        try
        {
            final BufferedReader serverOut =
                new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            final Map<String, Object> serving = FlatJson.parse(serverOut.readLine());
            assertThat(serving).containsEntry("service", "conduit.Echo");
            final String endpoint = (String)serving.get("endpoint");
            if (listen.startsWith("tcp:"))
            {
                assertThat(endpoint).matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
            }
            else
            {
                assertThat(endpoint).isEqualTo(listen);
            }

            final Process caller = new ProcessBuilder(JavaProcess.command(ConduitCommand.class,
                "rpc", "call", endpoint, "--count", "3000", "--concurrency", "8", "--size", "128", "--json"))
                .redirectOutput(output.resolve("call.out").toFile())
                .redirectError(output.resolve("call.err").toFile())
                .start();
            assertThat(caller.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
            assertThat(caller.exitValue()).as(ProcessOutputs.read(output, "call.err")).isZero();

            final Map<String, Object> report = FlatJson.parse(ProcessOutputs.lastLine(output, "call.out"));
            assertThat(report.keySet())
                .containsExactly("calls", "ok", "errors", "callsPerSec", "p50Us", "p99Us", "p999Us", "maxUs");
            assertThat(report).containsEntry("calls", 3000.0).containsEntry("ok", 3000.0)
                .containsEntry("errors", 0.0);
            assertThat((Double)report.get("callsPerSec")).isPositive();
            assertThat((Double)report.get("p50Us")).isPositive()
                .isLessThanOrEqualTo((Double)report.get("p99Us"));

            server.getOutputStream().close();
            assertThat(server.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).as("server stops when stdin ends").isTrue();
            assertThat(server.exitValue()).as(ProcessOutputs.read(output, "serve.err")).isZero();
            assertThat(FlatJson.parse(serverOut.readLine()))
                .containsEntry("served", 3001.0)
                .containsEntry("errors", 0.0);
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    @Test
    void shouldReportUnreachableServerOnOneLine() throws IOException
    {
        final int port = ProcessOutputs.freePort();

        final CliRun run = CliRun.run("rpc", "call", "tcp://127.0.0.1:" + port, "--deadline-ms", "3000");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
            .startsWith("conduit rpc call: no answer from the server: endpoint=tcp://127.0.0.1:" + port +
                ", rpc failed: status=UNAVAILABLE")
            .doesNotContain("\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldRejectABadEndpointAsUsage()
    {
        final CliRun call = CliRun.run("rpc", "call", "carrier-pigeon://loft");
        final CliRun serve = CliRun.run("rpc", "serve", "tcp://127.0.0.1:0?colour=blue");

        assertThat(call.exitCode()).isEqualTo(2);
        assertThat(call.err().strip()).startsWith("conduit rpc call: ").contains("carrier-pigeon")
            .doesNotContain("\n");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err().strip()).startsWith("conduit rpc serve: ").contains("colour").doesNotContain("\n");
    }

    @Test
    void shouldRejectNonPositiveCountAndConcurrency()
    {
        final CliRun run = CliRun.run("rpc", "call", "tcp://127.0.0.1:1", "--concurrency", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("invalid value: --concurrency=0 (at least 1)");
    }
}
