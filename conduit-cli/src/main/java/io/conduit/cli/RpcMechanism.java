package io.conduit.cli;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;

/**
 * A demo row of remote procedure calls: the peer process serves the built-in echo service on an endpoint, and
 * this process calls it at the run's fixed rate with the run's payload size, asynchronously, as many calls in
 * flight as the rate takes (see {@link PacedEchoCalls}). The row counts replies as messages and latency per
 * call from its scheduled start; lost are the calls that failed or never finished; errors are wrong echoes and
 * a server or client that could not run.
 */
final class RpcMechanism implements Mechanism
{
    private static final long SERVE_TIMEOUT_MS = 10_000;
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    private final String name;
    private final String serverUri;

    /**
     * @param name      of the row.
     * @param serverUri where the peer serves; port 0 picks a free port.
     */
    RpcMechanism(final String name, final String serverUri)
    {
        this.name = name;
        this.serverUri = serverUri;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void prepare(final DemoRun run)
    {
        run.startPeer();
    }

    @Override
    public MechanismResult run(final DemoRun run)
    {
        final DemoSettings settings = run.settings();
        final PeerProcess peer;
        final String endpoint;
        try
        {
            peer = run.peer();
            peer.send(new PeerMessage(PeerMessage.SERVE).with("uri", serverUri));
            final PeerMessage serving = peer.await(PeerMessage.SERVING, SERVE_TIMEOUT_MS);
            if (serving.get("failure") != null)
            {
                return MechanismResult.failed(name, "demo peer cannot serve: " + serving.get("failure"));
            }
            endpoint = serving.get("endpoint");
        }
        catch (final RuntimeException ex)
        {
            return MechanismResult.failed(name, ErrorReporter.describe(ex));
        }

        final long cpuStartNs = ProcessCpu.processCpuNs();
        final long wallStartNs = System.nanoTime();
        PacedEchoCalls.Outcome outcome = null;
        String failure = null;
        try (Conduit conduit = Conduit.launch();
            RpcClient client = RpcClient.builder(conduit).endpoint(endpoint).defaultDeadline(CALL_DEADLINE).build())
        {
            outcome = new PacedEchoCalls(client.proxy(EchoService.class), settings.sizeBytes(),
                settings.ratePerSecond(), settings.warmupMessages())
                .run(settings.messageCount(), TimeUnit.MILLISECONDS.toNanos(2 * CALL_DEADLINE.toMillis()));
        }
        catch (final RuntimeException ex)
        {
            failure = ErrorReporter.describe(ex);
        }
        final long peerCpuNs = stopServing(peer);
        final long wallNs = System.nanoTime() - wallStartNs;
        final double cpuPercent = 100.0 * (ProcessCpu.processCpuNs() - cpuStartNs + peerCpuNs) / wallNs;
        if (outcome == null)
        {
            return MechanismResult.failed(name, failure);
        }
        final long errors = outcome.wrongEchoes() + (failure == null ? 0 : 1);
        final boolean hasLatency = outcome.latencyNs().getTotalCount() > 0;
        return new MechanismResult(
            name,
            outcome.ok(),
            outcome.callsPerSec(),
            hasLatency ? outcome.latencyNs().getValueAtPercentile(50) / 1000.0 : 0,
            hasLatency ? outcome.latencyNs().getValueAtPercentile(99) / 1000.0 : 0,
            hasLatency ? outcome.latencyNs().getValueAtPercentile(99.9) / 1000.0 : 0,
            hasLatency ? outcome.latencyNs().getMaxValue() / 1000.0 : 0,
            outcome.failed(),
            errors,
            cpuPercent,
            outcome.firstFailure() != null ? outcome.firstFailure() : failure);
    }

    private static long stopServing(final PeerProcess peer)
    {
        try
        {
            peer.send(new PeerMessage(PeerMessage.CLOSE));
            final String cpuNs = peer.await(PeerMessage.CLOSED, CLOSE_TIMEOUT_MS).get("cpuNs");
            return cpuNs == null ? 0 : Long.parseLong(cpuNs);
        }
        catch (final RuntimeException ex)
        {
            return 0;
        }
    }
}
