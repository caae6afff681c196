package io.conduit.bench.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.internal.LatencyBuckets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchReportTest
{
    private static Map<String, Object> pingerResult(final long fromUs, final long toUs)
    {
        // As the pinger sends it: a snapshot of its buckets, sized by the values it holds.
        final LatencyBuckets buckets = new LatencyBuckets(8);
        for (long us = fromUs; us <= toUs; us++)
        {
            buckets.record(us * 1000);
        }
        final Histogram histogram = buckets.snapshot();
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", histogram.getTotalCount());
        result.put("lateAtEnd", 0L);
        result.put("elapsedNs", TimeUnit.SECONDS.toNanos(1));
        result.put("histogram", PingerLoop.encode(histogram));
        return Json.parseObject(Json.write(result));
    }

    @Test
    void shouldReportPercentilesInMicrosFromTheSidesHistogram()
    {
        final ContenderResult result =
            ContenderResult.of(Scenario.TCP_PINGPONG, Contender.CONDUIT, 64, pingerResult(1, 1000), Map.of());

        assertThat((Double)result.figures().get("p50Us")).isCloseTo(500, within(1.0));
        assertThat((Double)result.figures().get("p99Us")).isCloseTo(990, within(1.0));
        assertThat((Double)result.figures().get("p999Us")).isCloseTo(999, within(1.0));
        assertThat((Double)result.figures().get("maxUs")).isCloseTo(1000, within(1.0));
        assertThat(result.figures().get("msgsPerSec")).isEqualTo(1000L);
    }

    @Test
    void shouldPrintScenarioBothSidesAndP50RatioAsOneJsonObject()
    {
        final ContenderResult conduit =
            ContenderResult.of(Scenario.TCP_PINGPONG, Contender.CONDUIT, 64, pingerResult(1, 1000), Map.of());
        final ContenderResult peer =
            ContenderResult.of(Scenario.TCP_PINGPONG, Contender.RAW_SOCKET, 64, pingerResult(1, 2000), Map.of());
        final BenchReport report = new BenchReport(
            Scenario.TCP_PINGPONG, Map.of("sizeBytes", 64), Contender.RAW_SOCKET, conduit, peer);

        final String json = report.toJson();
        final Map<String, Object> parsed = Json.parseObject(json);

        assertThat(json).doesNotContain("\n");
        assertThat(parsed).containsKeys("scenario", "conduit", "peer", "ratio", "settings");
        assertThat(parsed.get("scenario")).isEqualTo("tcp-pingpong");
        @SuppressWarnings("unchecked") final Map<String, Object> peerFigures = (Map<String, Object>)parsed.get("peer");
        assertThat(peerFigures).containsKeys("name", "p50Us", "p99Us", "p999Us", "maxUs", "msgsPerSec");
        assertThat(peerFigures.get("name")).isEqualTo("raw-socket");
        assertThat((Double)parsed.get("ratio")).isCloseTo(0.5, within(0.01));
        assertThat(report.toText()).contains("ratio conduit/raw-socket p50: 0.50").contains("lower is better");
    }

    @Test
    void shouldGiveConduitOverPeerForEveryLatencyColumn()
    {
        final ContenderResult conduit =
            ContenderResult.of(Scenario.SHM_PINGPONG, Contender.CONDUIT, 32, pingerResult(1, 1000), Map.of());
        final ContenderResult peer =
            ContenderResult.of(Scenario.SHM_PINGPONG, Contender.AERON_IPC, 32, pingerResult(1, 500), Map.of());
        final BenchReport report = new BenchReport(
            Scenario.SHM_PINGPONG, Map.of("sizeBytes", 32), Contender.AERON_IPC, conduit, peer);

        assertThat(report.ratios()).containsOnlyKeys("p50Us", "p90Us", "p99Us", "p999Us", "maxUs", "msgsPerSec");
        assertThat(report.ratios().get("p50Us")).isCloseTo(2.0, within(0.01));
        assertThat(report.ratios().get("maxUs")).isCloseTo(2.0, within(0.01));
        assertThat(report.ratios().get("msgsPerSec")).isCloseTo(2.0, within(0.01));
        assertThat(Json.parseObject(report.toJson())).containsKey("ratios");
        assertThat(report.toText()).contains("conduit/peer").contains("2.0x")
            .contains("ratio conduit/aeron-ipc p50: 2.00");
    }

    @Test
    void shouldGiveThroughputRatiosOfMessagesAndMegabytesOnlyWithBothSystems()
    {
        final ContenderResult conduit = ContenderResult.of(
            Scenario.SHM_THROUGHPUT, Contender.CONDUIT, 64, receiverResult(3_000_000, 100), Map.of("sent", 100L));
        final ContenderResult peer = ContenderResult.of(
            Scenario.SHM_THROUGHPUT, Contender.RAW_SHM, 64, receiverResult(2_000_000, 100), Map.of("sent", 100L));

        assertThat(new BenchReport(Scenario.SHM_THROUGHPUT, Map.of(), Contender.RAW_SHM, conduit, peer).ratios())
            .containsExactly(entry("msgsPerSec", 1.5), entry("mbPerSec", 1.5));
        assertThat(new BenchReport(Scenario.SHM_THROUGHPUT, Map.of(), Contender.RAW_SHM, conduit, null).ratios())
            .isEmpty();
    }

    @Test
    void shouldCombineRoundsByAddingHistogramsAndAllMessagesOverAllTime()
    {
        final ContenderResult fast =
            ContenderResult.of(Scenario.SHM_PINGPONG, Contender.CONDUIT, 32, pingerResult(1, 100), Map.of());
        final ContenderResult slow =
            ContenderResult.of(Scenario.SHM_PINGPONG, Contender.CONDUIT, 32, pingerResult(901, 1000), Map.of());

        final ContenderResult combined = ContenderResult.combine(List.of(fast, slow), 32);

        assertThat(combined.histogram().getTotalCount()).isEqualTo(200);
        assertThat((Double)combined.figures().get("maxUs")).isCloseTo(1000, within(1.0));
        assertThat((Double)combined.figures().get("p50Us")).isCloseTo(100, within(1.0));
        assertThat(combined.figures()).containsEntry("messages", 200L).containsEntry("msgsPerSec", 100L)
            .containsEntry("rounds", 2).containsEntry("roundHeadlines", List.of(fast.headline(), slow.headline()));

        final ContenderResult streamed = ContenderResult.combine(List.of(
            ContenderResult.of(Scenario.SHM_THROUGHPUT, Contender.CONDUIT, 64, receiverResult(100, 100),
                Map.of("sent", 100L)),
            ContenderResult.of(Scenario.SHM_THROUGHPUT, Contender.CONDUIT, 64, receiverResult(300, 300),
                Map.of("sent", 300L))), 64);
        assertThat(streamed.figures()).containsEntry("msgsPerSec", 200L).containsEntry("sent", 400L)
            .containsEntry("verified", true);
        assertThat(ContenderResult.combine(List.of(fast), 32)).isSameAs(fast);
    }

    @Test
    void shouldTakeThroughputRatioFromMessagesPerSecond()
    {
        final ContenderResult conduit = ContenderResult.of(
            Scenario.TCP_THROUGHPUT, Contender.CONDUIT, 64, receiverResult(3_000_000, 100), Map.of("sent", 100L));
        final ContenderResult peer = ContenderResult.of(
            Scenario.TCP_THROUGHPUT, Contender.JEROMQ, 64, receiverResult(2_000_000, 100), Map.of("sent", 100L));

        assertThat(ContenderResult.ratio(conduit, peer)).isEqualTo(1.5);
        assertThat(conduit.figures()).containsEntry("verified", true).containsKey("mbPerSec");
    }

    @Test
    void shouldFailAStreamThatLostMessages()
    {
        assertThatThrownBy(() -> ContenderResult.of(
            Scenario.TCP_THROUGHPUT, Contender.JEROMQ, 64, receiverResult(1_000, 99), Map.of("sent", 100L)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("stream verification failed: contender=jeromq, sent=100, received=99");
    }

    @Test
    void shouldReportRpcThroughputAsCallsPerSecondWithLatencyAndEveryColumnsRatio()
    {
        final ContenderResult conduit = ContenderResult.of(
            Scenario.RPC_THROUGHPUT, Contender.CONDUIT, 64, rpcClientResult(200_000, 0), Map.of());
        final ContenderResult grpc = ContenderResult.of(
            Scenario.RPC_THROUGHPUT, Contender.GRPC, 64, rpcClientResult(50_000, 0), Map.of());
        final BenchReport report =
            new BenchReport(Scenario.RPC_THROUGHPUT, Map.of("sizeBytes", 64), Contender.GRPC, conduit, grpc);

        assertThat(conduit.figures()).containsEntry("msgsPerSec", 200_000L).containsEntry("callsInFlight", 64L)
            .containsKeys("p50Us", "p99Us", "p999Us", "maxUs");
        assertThat(report.ratio()).isEqualTo(4.0);
        assertThat(report.toText()).contains("calls/s").contains("ratio conduit/grpc calls/s: 4.00 ");
        assertThat(report.ratios()).containsEntry("msgsPerSec", 4.0).containsKeys("p50Us", "p99Us");

        final BenchReport latency = new BenchReport(Scenario.RPC_LATENCY, Map.of("sizeBytes", 64), Contender.GRPC,
            ContenderResult.of(Scenario.RPC_LATENCY, Contender.CONDUIT, 64, pingerResult(1, 1000), Map.of()),
            ContenderResult.of(Scenario.RPC_LATENCY, Contender.GRPC, 64, pingerResult(1, 4000), Map.of()));
        assertThat(latency.ratios().get("p99Us")).isCloseTo(0.25, within(0.01));
        assertThat(latency.toText()).contains("ratio conduit/grpc p50: 0.25");
    }

    @Test
    void shouldKeepThreeSignificantDigitsOfASmallRatio()
    {
        assertThat(ContenderResult.threeSignificantDigits(0.000123456)).isEqualTo(0.000123);
        assertThat(ContenderResult.threeSignificantDigits(27.2381)).isEqualTo(27.2);
    }

    @Test
    void shouldFailAnRpcRunWithFailedCalls()
    {
        assertThatThrownBy(() -> ContenderResult.of(
            Scenario.RPC_THROUGHPUT, Contender.GRPC, 64, rpcClientResult(1_000, 3), Map.of()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("rpc calls failed: contender=grpc, errors=3, first=call failed");
    }

    private static Map<String, Object> rpcClientResult(final long callsPerSec, final long errors)
    {
        final Map<String, Object> result = pingerResult(100, 300);
        result.put("messages", callsPerSec);
        result.put("callsInFlight", (long)Scenario.RPC_CALLS_IN_FLIGHT);
        result.put("errors", errors);
        result.put("firstError", errors == 0 ? null : "call failed: sequence=7, error=UNAVAILABLE");
        return result;
    }

    @Test
    void shouldCompareMedianRoundsWhenBothRanThreeOrMore()
    {
        final ContenderResult conduit = rounds(Contender.CONDUIT, 10, 1, 9);
        final ContenderResult peer = rounds(Contender.AERON_IPC, 5, 20, 4, 6);

        final BenchReport report =
            new BenchReport(Scenario.SHM_THROUGHPUT, Map.of(), Contender.AERON_IPC, conduit, peer);

        assertThat(report.medianRoundRatio()).isEqualTo(1.64);
        assertThat(report.toJson()).contains("\"medianRoundRatio\":1.64");
        assertThat(report.toText()).contains("ratio of the median rounds: 1.64");
        assertThat(new BenchReport(Scenario.SHM_THROUGHPUT, Map.of(), Contender.AERON_IPC, conduit,
            rounds(Contender.AERON_IPC, 5, 20)).medianRoundRatio()).isNull();
    }

    @Test
    void shouldCompareTheMedianRoundsP99SoThatOneNoisyRoundDoesNotDecide()
    {
        // Conduit's rounds: p99 99, 990 (a noisy round) and 198 us; the peer's: 396 us each time.
        final ContenderResult conduit = latencyRounds(Contender.CONDUIT, 100, 1000, 200);
        final ContenderResult peer = latencyRounds(Contender.GRPC, 400, 400, 400);

        final BenchReport report = new BenchReport(Scenario.RPC_LATENCY, Map.of(), Contender.GRPC, conduit, peer);

        assertThat((List<?>)conduit.figures().get("roundP99s")).hasSize(3);
        assertThat(report.medianRoundP99Ratio()).isCloseTo(0.5, within(0.01));
        assertThat(report.ratios().get("p99Us")).isGreaterThan(1.0);
        assertThat(report.toText()).contains("conduit p99 us by round: [99.")
            .contains("ratio of the median rounds' p99: 0.5");
        assertThat(report.toJson()).contains("\"medianRoundP99Ratio\":0.5");
        assertThat(new BenchReport(Scenario.RPC_LATENCY, Map.of(), Contender.GRPC, conduit,
            latencyRounds(Contender.GRPC, 400)).medianRoundP99Ratio()).isNull();
    }

    private static ContenderResult latencyRounds(final Contender contender, final long... maxUs)
    {
        final List<ContenderResult> rounds = new ArrayList<>();
        for (final long us : maxUs)
        {
            rounds.add(ContenderResult.of(Scenario.RPC_LATENCY, contender, 64, pingerResult(1, us), Map.of()));
        }
        return ContenderResult.combine(rounds, 64);
    }

    private static ContenderResult rounds(final Contender contender, final long... msgsPerSec)
    {
        final List<ContenderResult> rounds = new ArrayList<>();
        for (final long rate : msgsPerSec)
        {
            rounds.add(ContenderResult.of(
                Scenario.SHM_THROUGHPUT, contender, 64, receiverResult(rate, rate), Map.of("sent", rate)));
        }
        return ContenderResult.combine(rounds, 64);
    }

    private static Map<String, Object> receiverResult(final long msgsPerSec, final long received)
    {
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", received);
        result.put("elapsedNs", 1_000_000_000L);
        result.put("msgsPerSec", msgsPerSec);
        result.put("mbPerSec", msgsPerSec * 64 / 1e6);
        result.put("received", received);
        result.put("outOfOrder", 0L);
        result.put("ended", true);
        return result;
    }
}
