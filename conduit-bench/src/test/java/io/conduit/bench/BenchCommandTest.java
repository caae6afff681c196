package io.conduit.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BenchCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(final String... args)
    {
        return new CommandLine(new BenchCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    }

    @Test
    void shouldRejectUnknownScenarioNamingTheKnownOnes()
    {
        assertThat(execute("udp-pingpong")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown scenario: scenario=udp-pingpong")
            .contains("tcp-pingpong, tcp-throughput");
    }

    @Test
    void shouldRejectUnknownPeerAndConduitAsItsOwnPeer()
    {
        assertThat(execute("tcp-pingpong", "--vs", "nats")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown system: system=nats");
        assertThat(execute("tcp-pingpong", "--vs", "conduit")).isEqualTo(2);
        assertThat(err.toString()).contains("conduit is not a peer of itself").contains("raw-socket, jeromq, grpc");
    }

    @Test
    void shouldRejectAPeerOfAnotherTransportNamingThoseThatApply()
    {
        assertThat(execute("shm-pingpong", "--vs", "raw-socket")).isEqualTo(2);
        assertThat(err.toString()).contains("peer does not run this scenario: scenario=shm-pingpong, peer=raw-socket")
            .contains("(expected aeron-ipc, raw-shm)");
        assertThat(execute("tcp-throughput", "--vs", "aeron-ipc")).isEqualTo(2);
        assertThat(err.toString()).contains("scenario=tcp-throughput, peer=aeron-ipc (expected raw-socket, jeromq)");
    }

    @Test
    void shouldRejectAnRpcPeerForMessagingAndAMessagingPeerForRpc()
    {
        assertThat(execute("tcp-pingpong", "--vs", "grpc")).isEqualTo(2);
        assertThat(err.toString())
            .contains("peer does not run this scenario: scenario=tcp-pingpong, peer=grpc (expected raw-socket, jeromq)");
        assertThat(execute("rpc-latency", "--vs", "jeromq")).isEqualTo(2);
        assertThat(err.toString()).contains("scenario=rpc-latency, peer=jeromq (expected raw-socket, grpc)");
        assertThat(execute("rpc-throughput", "--vs", "raw-socket")).isEqualTo(2);
        assertThat(err.toString()).contains("scenario=rpc-throughput, peer=raw-socket (expected grpc)");
        assertThat(execute("rpc-shm-throughput", "--vs", "grpc")).isEqualTo(2);
        assertThat(err.toString()).contains("scenario=rpc-shm-throughput, peer=grpc (expected no peer)");
    }

    @Test
    void shouldRejectSizeTooSmallToCarryASequence()
    {
        assertThat(execute("tcp-pingpong", "--size", "4")).isEqualTo(2);
        assertThat(err.toString()).contains("invalid --size: sizeBytes=4");
    }

    @Test
    void shouldRejectRateForThroughputScenario()
    {
        assertThat(execute("tcp-throughput", "--rate", "1000")).isEqualTo(2);
        assertThat(err.toString()).contains("--rate applies to latency scenarios only");
    }

    @Test
    void shouldRejectBadPinIdleDurationAndOnly()
    {
        assertThat(execute("tcp-pingpong", "--pin", "diagonal")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown pinning: pin=diagonal");
        assertThat(execute("tcp-pingpong", "--idle", "nap")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown idle strategy: idle=nap");
        assertThat(execute("tcp-pingpong", "--duration", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("invalid --duration: durationS=0.0");
        assertThat(execute("tcp-pingpong", "--only", "peer")).isEqualTo(2);
        assertThat(err.toString()).contains("--only peer needs --vs PEER");
    }

    @Test
    void shouldKeepInlineAndPollerDeliveryToTheirTcpScenarios()
    {
        assertThat(execute("shm-pingpong", "--idle", "poller")).isEqualTo(2);
        assertThat(err.toString()).contains("--idle poller").contains("scenario=shm-pingpong");
        assertThat(execute("rpc-latency", "--idle", "poller")).isEqualTo(2);
        assertThat(err.toString()).contains("scenario=rpc-latency");
        assertThat(execute("shm-throughput", "--idle", "poller-block")).isEqualTo(2);
        assertThat(err.toString()).contains("--idle poller-block").contains("scenario=shm-throughput");
        assertThat(execute("tcp-throughput", "--idle", "inline")).isEqualTo(2);
        assertThat(err.toString()).contains("--idle inline").contains("scenario=tcp-throughput");
    }

    @Test
    void shouldPrintUsageWithTheIdleStrategyAdvice()
    {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("bench").contains("--vs").contains("--pin").contains("busy-spin")
            .contains("conduit bench tcp-pingpong --vs raw-socket --size 64 --pin same --json")
            .contains("shm-pingpong").contains("aeron-ipc").contains("raw-shm")
            .contains("conduit bench rpc-latency --vs grpc --size 1024").contains("rpc-shm-throughput");
    }
}
