package io.conduit.bench.internal;

import java.util.concurrent.TimeUnit;

/**
 * The client side of the RPC scenarios, the same for every RPC system: {@code rpc-latency} is the pinger of
 * {@link PingerLoop} with one blocking call per ping; {@code rpc-throughput} is an {@link AsyncCallLoop}.
 */
final class RpcClientLoops
{
    private RpcClientLoops()
    {
    }

    /**
     * Run the workload's scenario as the client and report to the harness.
     *
     * @param workload of an RPC scenario.
     * @param channel  to the harness.
     * @param client   of the system measured.
     * @throws Exception when a call fails or an echo carries the wrong sequence.
     */
    static void run(final Workload workload, final SideChannel channel, final EchoClient client) throws Exception
    {
        if (workload.scenario().isLatency())
        {
            new PingerLoop(workload, blockingPings(workload, client), Waiting.idleStrategy(workload.idle()))
                .run(channel);
        }
        else
        {
            new AsyncCallLoop(workload, client).run(channel);
        }
    }

    /**
     * Hold a server up until the harness has collected the client's results, at most until the side's own
     * deadline (warm-up, measurement and {@link SideMain#OVERRUN_MS}).
     *
     * @param workload of the run.
     * @param channel  to the harness.
     * @throws InterruptedException when interrupted.
     */
    static void serveUntilReleased(final Workload workload, final SideChannel channel) throws InterruptedException
    {
        channel.awaitRelease(
            TimeUnit.NANOSECONDS.toMillis(workload.warmupNs() + workload.durationNs()) + SideMain.OVERRUN_MS);
    }

    private static PingClient blockingPings(final Workload workload, final EchoClient client)
    {
        return new PingClient()
        {
            private byte[] reply;

            @Override
            public void ping(final long sequence) throws Exception
            {
                final byte[] payload = new byte[workload.sizeBytes()];
                Messages.putSequence(payload, sequence);
                reply = client.echo(payload);
            }

            @Override
            public long awaitPong()
            {
                if (reply.length != workload.sizeBytes())
                {
                    throw new IllegalStateException("echo of the wrong length: expected=" + workload.sizeBytes() +
                        ", echoed=" + reply.length);
                }
                return Messages.sequence(reply);
            }
        };
    }
}
