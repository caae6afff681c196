package io.conduit.bench.internal;

import java.time.Duration;
import java.util.function.BiConsumer;

import io.conduit.Conduit;
import io.conduit.Endpoint;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcServer;

/**
 * Conduit RPC through its public API: an {@link RpcServer} serving the built-in {@link EchoService} with its
 * implementation run on the receiving thread (the counterpart of gRPC's direct executor: the echo never blocks),
 * and an {@link RpcClient}'s typed proxy, blocking {@code echo} for latency and {@code echoAsync} for throughput.
 * Over TCP the server listens on an ephemeral port of {@code 127.0.0.1} and reads each connection on a thread of
 * its own ({@code ?io=thread}); over shared memory both sides open the
 * endpoint named after the run. Conduit's threads (the RPC pollers among them) use the workload's idle strategy.
 */
final class ConduitRpcSide implements Side
{
    /** Far beyond any call of a healthy run: a call that takes this long fails the run. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        try (Conduit conduit = launch(workload);
            RpcClient client = RpcClient.builder(conduit)
                .endpoint(endpoint(workload, workload.connectPort()))
                .defaultDeadline(CALL_DEADLINE)
                .build())
        {
            RpcClientLoops.run(workload, channel, new ConduitEchoClient(client.proxy(EchoService.class)));
            SideMain.awaitRelease(channel);
        }
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        try (Conduit conduit = launch(workload);
            RpcServer server = RpcServer.builder(conduit)
                .endpoint(endpoint(workload, 0))
                .service(EchoService.class, new EchoService.Impl())
                .executor(Runnable::run)
                .build())
        {
            channel.announcePort(isShm(workload) ? 0 : Endpoint.parse(server.endpoint()).port());
            RpcClientLoops.serveUntilReleased(workload, channel);
        }
    }

    private static Conduit launch(final Workload workload)
    {
        return Conduit.launch(new Conduit.Context().idleStrategy(Waiting.idleStrategy(workload.idle()).toString()));
    }

    private static boolean isShm(final Workload workload)
    {
        return workload.scenario().transport() == Scenario.Transport.SHM;
    }

    /**
     * @param workload of the run.
     * @param port     to connect to, or 0 to listen (with a thread per connection); unused over shared memory.
     * @return the endpoint URI.
     */
    private static String endpoint(final Workload workload, final int port)
    {
        if (isShm(workload))
        {
            return "shm:" + workload.runName();
        }
        // The server reads each connection on a thread of its own (io=thread): Conduit's low-latency setting.
        return port == 0 ? "tcp://127.0.0.1:0?io=thread" : "tcp://127.0.0.1:" + port;
    }

    /**
     * Calls the echo service through its typed proxy.
     */
    private static final class ConduitEchoClient implements EchoClient
    {
        private final EchoService echo;

        ConduitEchoClient(final EchoService echo)
        {
            this.echo = echo;
        }

        @Override
        public byte[] echo(final byte[] payload)
        {
            return echo.echo(payload);
        }

        @Override
        public void echoAsync(final byte[] payload, final BiConsumer<byte[], Throwable> onDone)
        {
            echo.echoAsync(payload).whenComplete(onDone);
        }
    }
}
