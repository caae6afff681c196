package io.conduit.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.ErrorCode;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit rpc call}: calls the echo service of {@code conduit rpc serve} and reports rate, latency and
 * errors by status.
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
        "Call the echo service of 'conduit rpc serve' --count times with --concurrency calls in flight, and report " +
            "calls/s, latency percentiles (each call from its start to its reply) and errors by status.",
        "One call first checks that the server answers; it is not counted. Exits non-zero when that call fails " +
            "(one line on stderr) or when any counted call failed."
    })
final class RpcCallCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<endpoint>",
        description = "The server, such as tcp://127.0.0.1:9100 or shm:echo.")
    private String endpoint;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10000",
        description = "Calls to make (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
        description = "Calls in flight at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
        description = "Payload size; accepts k and m (default: ${DEFAULT-VALUE}).")
    private int sizeBytes;

    @Option(names = "--deadline-ms", paramLabel = "MS", defaultValue = "5000",
        description = "Deadline of each call, in milliseconds (default: ${DEFAULT-VALUE}).")
    private long deadlineMs;

    @Option(names = "--json", description = "Print the report as one JSON object on the last line.")
    private boolean json;

    @Override
    public Integer call()
    {
        Options.requireAtLeast(spec, "--count", count, 1);
        Options.requireAtLeast(spec, "--concurrency", concurrency, 1);
        Options.requireAtLeast(spec, "--size", sizeBytes, 0);
        Options.requireAtLeast(spec, "--deadline-ms", deadlineMs, 1);

        final PrintWriter out = spec.commandLine().getOut();
        final RpcCallReport report;
        try (StopSignal stop = new StopSignal();
            Conduit conduit = Conduit.launch();
            RpcClient client = RpcClient.builder(conduit)
                .endpoint(endpoint)
                .defaultDeadline(Duration.ofMillis(deadlineMs))
                .build())
        {
            final EchoService echo = client.proxy(EchoService.class);
            probe(echo);
            report = new EchoCallRun(echo, count, concurrency, sizeBytes).run(stop);
            out.println(json ? report.toJson().toString() : report.describe());
            out.flush();
        }
        if (report.errors() > 0)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, "calls failed: errors=" + report.errors() +
                ", calls=" + report.calls() + ", byStatus=" + report.callsByStatus());
        }
        return CommandLine.ExitCode.OK;
    }

    private void probe(final EchoService echo)
    {
        final byte[] payload = EchoPayload.of(sizeBytes, -1);
        try
        {
            if (!EchoPayload.matches(payload, echo.echo(payload)))
            {
                throw new ConduitException(ErrorCode.GENERIC_ERROR, "server's echo differs from the payload: " +
                    "endpoint=" + endpoint + ", sizeBytes=" + sizeBytes);
            }
        }
        catch (final RpcException ex)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, "no answer from the server: endpoint=" + endpoint +
                ", " + ex.getMessage(), ex);
        }
    }
}
