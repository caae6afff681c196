package io.conduit.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.conduit.Conduit;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.MethodMetrics;
import io.conduit.rpc.RpcServer;
import io.conduit.rpc.RpcService;
import io.conduit.rpc.Status;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit rpc serve}: serves the built-in echo service on an endpoint until stopped.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serve the built-in echo service (conduit.Echo: echo and echoAsync return their payload) on an endpoint, " +
            "and print the endpoint it is bound to (with the port chosen when given port 0).",
        "Runs until Ctrl-C or SIGTERM, or until its standard input ends when that is a pipe (so a program that " +
            "started it takes it down when it goes). Then prints the calls served."
    })
final class RpcServeCommand implements Callable<Integer>
{
    private static final String SERVICE_NAME = EchoService.class.getAnnotation(RpcService.class).name();
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<endpoint>",
        description = "Where to serve, such as tcp://127.0.0.1:9100 (port 0 picks a free one) or shm:echo.")
    private String endpoint;

    @Option(names = "--max-calls-in-flight", paramLabel = "N", defaultValue = "10000",
        description = "Calls running at once beyond which new calls fail with RESOURCE_EXHAUSTED " +
            "(default: ${DEFAULT-VALUE}).")
    private int maxCallsInFlight;

    @Option(names = "--json", description = "Print the bound endpoint, and at the end the calls served, as JSON " +
        "objects, one per line.")
    private boolean json;

    @Override
    public Integer call()
    {
        Options.requireAtLeast(spec, "--max-calls-in-flight", maxCallsInFlight, 1);
        final PrintWriter out = spec.commandLine().getOut();
        try (StopSignal stop = new StopSignal();
            Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit)
                .endpoint(endpoint)
                .service(EchoService.class, new EchoService.Impl())
                .executor(Runnable::run)
                .maxCallsInFlight(maxCallsInFlight)
                .build())
        {
            final StdinWatch stdin = StdinWatch.start();
            out.println(json ?
                new JsonObject().put("endpoint", server.endpoint()).put("service", SERVICE_NAME)
                    .put("pid", ProcessHandle.current().pid()).toString() :
                "serving " + SERVICE_NAME + ": endpoint=" + server.endpoint() + ", pid=" +
                    ProcessHandle.current().pid() + (stdin.isWatching() ? " (until stdin ends)" : ""));
            out.flush();
            while (!stop.getAsBoolean() && !stdin.getAsBoolean())
            {
                LockSupport.parkNanos(CHECK_INTERVAL_NS);
            }
            printServed(out, server);
        }
        return CommandLine.ExitCode.OK;
    }

    private void printServed(final PrintWriter out, final RpcServer server)
    {
        long calls = 0;
        long errors = 0;
        for (final MethodMetrics method : server.metrics().methods())
        {
            calls += method.calls();
            for (final Map.Entry<Status, Long> error : method.errors().entrySet())
            {
                errors += error.getValue();
            }
        }
        out.println(json ? new JsonObject().put("served", calls).put("errors", errors).toString() :
            "stopped: served=" + calls + ", errors=" + errors);
        out.flush();
    }
}
