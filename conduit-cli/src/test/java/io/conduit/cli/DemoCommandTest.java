package io.conduit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoCommandTest
{
    @Test
    void shouldRunEveryMechanismWithAPeerProcessAndPrintJsonLines()
    {
        final CliRun run = CliRun.run("demo", "--json", "--seconds", "1", "--rate", "5000");

        assertThat(run.exitCode()).as(run.err()).isZero();
        final List<String> lines = run.outLines();
        final String[] mechanisms = {"shm", "tcp", "tcp-tls", "inproc", "rpc-tcp", "rpc-shm"};
        assertThat(lines).hasSize(mechanisms.length);
        for (int i = 0; i < mechanisms.length; i++)
        {
            final Map<String, Object> row = FlatJson.parse(lines.get(i));
            assertThat(row.keySet()).containsExactly(
                "mechanism", "messages", "msgsPerSec", "p50Us", "p99Us", "p999Us", "maxUs", "lost", "errors");
            assertThat(row)
                .containsEntry("mechanism", mechanisms[i])
                .containsEntry("messages", 5000.0)
                .containsEntry("lost", 0.0)
                .containsEntry("errors", 0.0);
            assertThat((Double)row.get("p50Us")).isPositive();
        }
    }

    @Test
    void shouldPrintTableWithWorkloadInHeader()
    {
        final CliRun run = CliRun.run("demo", "--seconds", "0.5", "--rate", "2000", "--size", "128",
            "--mechanisms", "inproc");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines().get(0)).startsWith("conduit demo: 128-byte messages at 2000 msgs/s for 0.5 s");
        assertThat(run.outLines().get(2)).startsWith("mechanism").contains("p99.9 us").endsWith("CPU%");
        assertThat(run.outLines().get(3)).matches("inproc\\s+1000\\s+.*\\s+0\\s+0\\s+\\d+");
    }

    @Test
    void shouldExitNonZeroNamingEveryMechanismThatLostOrFailed()
    {
        final MechanismResult clean = new MechanismResult("shm", 100, 10, 1, 2, 3, 4, 0, 0, 50, null);
        final MechanismResult lossy = new MechanismResult("tcp", 97, 10, 1, 2, 3, 4, 3, 0, 50, null);
        final MechanismResult failed = MechanismResult.failed("rpc-tcp", "no server");

        final StringWriter quiet = new StringWriter();
        assertThat(DemoCommand.verdict("conduit demo", new PrintWriter(quiet), List.of(clean)))
            .isEqualTo(CommandLine.ExitCode.OK);
        assertThat(quiet.toString()).isEmpty();

        final StringWriter err = new StringWriter();
        assertThat(DemoCommand.verdict("conduit demo", new PrintWriter(err), List.of(clean, lossy, failed)))
            .isEqualTo(CommandLine.ExitCode.SOFTWARE);
        assertThat(err.toString().strip())
            .isEqualTo("conduit demo: delivery failed: tcp lost=3 errors=0, rpc-tcp lost=0 errors=1");
    }
}
