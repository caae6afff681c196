package io.conduit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pieces of {@code conduit rpc}: the report, statuses of failed calls, payloads and the stdin watch.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RpcCallReportTest
{
    @TempDir
    Path directory;

    @Test
    void shouldPrintJsonWithTheIssuesKeysAndErrorsByStatusForPeople()
    {
        final Histogram latencyNs = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
        for (long us = 1; us <= 1000; us++)
        {
            latencyNs.recordValue(us * 1000);
        }
        final Map<Status, Long> byStatus = new EnumMap<>(Status.class);
        byStatus.put(Status.OK, 1000L);
        byStatus.put(Status.DEADLINE_EXCEEDED, 3L);
        byStatus.put(Status.UNAVAILABLE, 2L);

        final RpcCallReport report = new RpcCallReport(1005, byStatus, TimeUnit.MILLISECONDS.toNanos(500), latencyNs);

        final Map<String, Object> json = FlatJson.parse(report.toJson().toString());
        assertThat(json.keySet())
            .containsExactly("calls", "ok", "errors", "callsPerSec", "p50Us", "p99Us", "p999Us", "maxUs");
        assertThat(json).containsEntry("calls", 1005.0).containsEntry("ok", 1000.0).containsEntry("errors", 5.0)
            .containsEntry("callsPerSec", 2010.0);
        assertThat((Double)json.get("p50Us")).isCloseTo(500, within(1.0));
        assertThat((Double)json.get("p99Us")).isCloseTo(990, within(1.0));
        assertThat((Double)json.get("maxUs")).isCloseTo(1000, within(1.0));
        assertThat(report.describe()).contains("1005 calls in 0.500 s: 2010 calls/s")
            .contains("ok 1000, errors 5 (DEADLINE_EXCEEDED 3, UNAVAILABLE 2)")
            .containsPattern("latency us: p50 50[01]\\.\\d, p99 99[01]\\.\\d");
    }

    @Test
    void shouldPrintZeroLatencyWhenNoCallSucceeded()
    {
        final RpcCallReport report = new RpcCallReport(
            2, Map.of(Status.UNAVAILABLE, 2L), 1000, new Histogram(TimeUnit.MINUTES.toNanos(1), 3));

        assertThat(FlatJson.parse(report.toJson().toString())).containsEntry("ok", 0.0).containsEntry("errors", 2.0)
            .containsEntry("p50Us", 0.0).containsEntry("maxUs", 0.0);
    }

    @Test
    void shouldTakeTheStatusOfAFailedCallThroughFutureWrappers()
    {
        final RpcException unavailable = new RpcException(Status.UNAVAILABLE, "connection refused");

        assertThat(EchoCallRun.statusOf(new CompletionException(unavailable))).isEqualTo(Status.UNAVAILABLE);
        assertThat(EchoCallRun.statusOf(unavailable)).isEqualTo(Status.UNAVAILABLE);
        assertThat(EchoCallRun.statusOf(new IllegalStateException("boom"))).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void shouldCarryTheSequenceInPayloadsAndMatchOnlyTheSameBytes()
    {
        final byte[] payload = EchoPayload.of(16, 0x0102L);

        assertThat(payload).hasSize(16).startsWith((byte)2, (byte)1, (byte)0);
        assertThat(EchoPayload.of(3, -1)).containsExactly(-1, -1, -1);
        assertThat(EchoPayload.matches(payload, payload.clone())).isTrue();
        assertThat(EchoPayload.matches(payload, EchoPayload.of(16, 0x0103L))).isFalse();
        assertThat(EchoPayload.matches(payload, null)).isFalse();
    }

    @Test
    void shouldWatchStdinOnlyWhenItIsAPipe() throws Exception
    {
        final Path pipe = Files.createSymbolicLink(directory.resolve("0"), Path.of("pipe:[4242]"));
        final Path file = Files.createSymbolicLink(directory.resolve("1"), directory.resolve("stdin.txt"));
        final Path terminal = Files.createSymbolicLink(directory.resolve("2"), Path.of("/dev/pts/0"));

        assertThat(StdinWatch.isPipe(pipe)).isTrue();
        assertThat(StdinWatch.isPipe(file)).isFalse();
        assertThat(StdinWatch.isPipe(terminal)).isFalse();
        assertThat(StdinWatch.isPipe(directory.resolve("none"))).isFalse();
    }
}
