package io.conduit.cli;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConduitCommandTest
{
    @Test
    void shouldReportBadEndpointOnOneLineWithUsageExitCode()
    {
        final CliRun run = CliRun.run("pub", "bogus://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("conduit pub: unknown scheme: scheme=bogus");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldPrintStackTraceOnlyWhenVerbose()
    {
        final CliRun run = CliRun.run("sub", "inproc:", "--verbose");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("conduit sub: invalid endpoint name: uri=inproc:")
            .contains("\tat io.conduit.");
    }

    @Test
    void shouldRejectInvalidOptionValuesAsUsageErrors()
    {
        assertThat(CliRun.run("pub", "inproc:x", "--size", "8").err())
            .isEqualTo("conduit pub: invalid value: --size=8 (at least 16) (see 'conduit pub --help')" +
                System.lineSeparator());
        assertThat(CliRun.run("pub", "inproc:x", "--size", "lots").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("sub", "inproc:x", "--timeout", "0").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("demo", "--mechanisms", "carrier-pigeon").err()).contains("unknown mechanism");
        assertThat(CliRun.run("demo", "--idle", "nap").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("no-such-command").exitCode()).isEqualTo(2);
    }

    @Test
    void shouldPrintUsageWithoutCommandAndHelpForEveryCommand()
    {
        final CliRun bare = CliRun.run();
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).startsWith("Usage: conduit").contains("demo", "pub", "sub");

        for (final String command : new String[] {"demo", "pub", "sub"})
        {
            final CliRun help = CliRun.run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).startsWith("Usage: conduit " + command).doesNotContain("%n", "%%");
        }
        assertThat(CliRun.run("demo", "--help").out()).contains("CPU% is the CPU time of both processes");
    }

    @Test
    void shouldFailPublisherWhenNoSubscriberConnectsInTime()
    {
        final CliRun run = CliRun.run("pub", "inproc:nobody-listens", "--timeout", "0.2", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("conduit pub: no subscriber connected: endpoint=inproc:nobody-listens, " +
            "streamId=1, timeoutMs=200" + System.lineSeparator());
    }

    @Test
    void shouldFailSubscriberWhenNoPublisherConnects()
    {
        final CliRun run = CliRun.run("sub", "inproc:silent", "--count", "5", "--timeout", "0.2", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastOutLine()).startsWith("subscribed: endpoint=inproc:silent");
        assertThat(run.err()).isEqualTo("conduit sub: no publisher connected: endpoint=inproc:silent, streamId=1, " +
            "timeoutMs=200" + System.lineSeparator());
    }

    @Test
    void shouldFailSubscriberThatReceivesFewerThanCount() throws Exception
    {
        final String endpoint = "inproc:too-few";
        final CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(
            () -> CliRun.run("sub", endpoint, "--count", "200", "--timeout", "3", "--json"));
        final CliRun pub = CliRun.run("pub", endpoint, "--count", "100", "--json");
        final CliRun subRun = sub.get(20, TimeUnit.SECONDS);

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(subRun.exitCode()).isEqualTo(1);
        assertThat(FlatJson.parse(subRun.lastOutLine())).containsEntry("received", 100.0);
        assertThat(subRun.err()).contains("fewer messages than expected: received=100, expected=200");
    }

    @Test
    void shouldPublishAndSubscribeWithJsonReports() throws Exception
    {
        final String endpoint = "inproc:cli-json";
        final CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(
            () -> CliRun.run("sub", endpoint, "--stream", "3", "--count", "2000", "--timeout", "10", "--json"));
        final CliRun pub = CliRun.run(
            "pub", endpoint, "--stream", "3", "--count", "2000", "--size", "100", "--rate", "20000", "--json");
        final CliRun subRun = sub.get(20, TimeUnit.SECONDS);

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        final Map<String, Object> sent = FlatJson.parse(pub.lastOutLine());
        assertThat(sent.keySet()).containsExactly("sent", "bytes", "msgsPerSec", "backPressured");
        assertThat(sent).containsEntry("sent", 2000.0).containsEntry("bytes", 200_000.0);

        assertThat(subRun.exitCode()).as(subRun.err()).isZero();
        final Map<String, Object> received = FlatJson.parse(subRun.lastOutLine());
        assertThat(received.keySet()).containsExactly(
            "received", "bytes", "msgsPerSec", "p50Us", "p99Us", "p999Us", "maxUs", "gaps", "duplicates", "outOfOrder");
        assertThat(received)
            .containsEntry("received", 2000.0)
            .containsEntry("bytes", 200_000.0)
            .containsEntry("gaps", 0.0)
            .containsEntry("duplicates", 0.0)
            .containsEntry("outOfOrder", 0.0);
        assertThat((Double)received.get("p50Us")).isPositive();
        assertThat((Double)received.get("maxUs")).isGreaterThanOrEqualTo((Double)received.get("p999Us"));
    }
}
