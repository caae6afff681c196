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
 * <p>
 * Before the paced calls, {@value #WARMUP_MS} ms of calls with {@value #WARMUP_CONCURRENCY} in flight warm the JIT
 * up and are not counted: a cold client and server fall behind a rate the warm ones keep easily, and the backlog
 * built while cold would spill into the measured half of the run.
 */
final class RpcMechanism implements Mechanism
{
    private static final long SERVE_TIMEOUT_MS = 10_000;
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
    private static final long WARMUP_MS = 2_000;
    private static final int WARMUP_CONCURRENCY = 16;

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

        long cpuStartNs = ProcessCpu.processCpuNs();
        long wallStartNs = System.nanoTime();
        PacedEchoCalls.Outcome outcome = null;
        String failure = null;
        try (Conduit conduit = Conduit.launch();
            RpcClient client = RpcClient.builder(conduit).endpoint(endpoint).defaultDeadline(CALL_DEADLINE).build())
        {
            final EchoService echo = client.proxy(EchoService.class);
            failure = warmUp(echo, settings);
            cpuStartNs = ProcessCpu.processCpuNs();
            wallStartNs = System.nanoTime();
            if (failure == null)
            {
                outcome = new PacedEchoCalls(echo, settings.sizeBytes(), settings.ratePerSecond(),
                    settings.warmupMessages())
                    .run(settings.messageCount(), TimeUnit.MILLISECONDS.toNanos(2 * CALL_DEADLINE.toMillis()));
            }
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

    /**
     * @return null when every warm-up call succeeded, else what failed.
     */
    private static String warmUp(final EchoService echo, final DemoSettings settings)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MS);
        final RpcCallReport warmup = new EchoCallRun(echo, settings.messageCount(), WARMUP_CONCURRENCY,
            settings.sizeBytes()).run(() -> System.nanoTime() - deadlineNs >= 0);
        return warmup.errors() == 0 ? null : "warm-up calls failed: errors=" + warmup.errors() + ", byStatus=" +
            warmup.callsByStatus();
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
