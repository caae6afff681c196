package io.conduit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.Publication;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code conduit demo-peer} (hidden): the second process of {@code conduit demo}. Reads {@link PeerMessage}s on
 * stdin and answers on stdout: {@code publish} sends stamped messages and answers {@code result} while keeping the
 * publication open; {@code serve} serves the echo service and answers {@code serving} with its endpoint;
 * {@code close} closes the publication or server and answers {@code closed} (with the CPU time spent serving);
 * {@code quit} or the end of stdin exits.
 */
@Command(name = "demo-peer", hidden = true, description = "The second process of 'conduit demo'.")
final class DemoPeerCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    private Conduit conduit;
    private RpcServer server;
    private long serveCpuStartNs;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        answer(out, new PeerMessage(PeerMessage.READY).with("pid", ProcessHandle.current().pid()));
        try
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                final PeerMessage request = PeerMessage.parse(line);
                switch (request.verb())
                {
                    case PeerMessage.PUBLISH:
                        closeConduit();
                        answer(out, publish(request));
                        break;
                    case PeerMessage.SERVE:
                        closeConduit();
                        answer(out, serve(request));
                        break;
                    case PeerMessage.CLOSE:
                        answer(out, close());
                        break;
                    case PeerMessage.QUIT:
                        return CommandLine.ExitCode.OK;
                    default:
                        throw new IllegalArgumentException("unknown demo peer request: verb=" + request.verb());
                }
            }
            return CommandLine.ExitCode.OK;
        }
        finally
        {
            closeConduit();
        }
    }

    private PeerMessage publish(final PeerMessage request)
    {
        final long cpuStartNs = ProcessCpu.processCpuNs();
        final PeerMessage result = new PeerMessage(PeerMessage.RESULT);
        try
        {
            final MessagingMechanism mechanism = Mechanisms.messaging(request.get("mechanism"));
            conduit = Conduit.launch(mechanism.configure(new Conduit.Context(), () -> loadTls(request)));
            final Publication publication = conduit.addPublication(
                request.get("uri"), (int)request.getLong("streamId"));
            final StampedPublisher publisher = new StampedPublisher(
                publication, (int)request.getLong("sizeBytes"), request.getLong("ratePerSecond"));
            final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(request.getLong("timeoutMs"));
            final PublishReport report = publisher.run(request.getLong("count"), timeoutNs, () -> false);
            result.with("sent", report.sent())
                .with("backPressured", report.backPressured())
                .with("failure", report.failure());
        }
        catch (final RuntimeException ex)
        {
            result.with("sent", 0).with("backPressured", 0).with("failure", ErrorReporter.describe(ex));
        }
        return result.with("cpuNs", ProcessCpu.processCpuNs() - cpuStartNs);
    }

    private PeerMessage serve(final PeerMessage request)
    {
        serveCpuStartNs = ProcessCpu.processCpuNs();
        try
        {
            conduit = Conduit.launch();
            server = RpcServer.builder(conduit)
                .endpoint(request.get("uri"))
                .service(EchoService.class, new EchoService.Impl())
                .executor(Runnable::run)
                .build();
            return new PeerMessage(PeerMessage.SERVING).with("endpoint", server.endpoint());
        }
        catch (final RuntimeException ex)
        {
            return new PeerMessage(PeerMessage.SERVING).with("failure", ErrorReporter.describe(ex));
        }
    }

    private PeerMessage close()
    {
        final PeerMessage closed = new PeerMessage(PeerMessage.CLOSED);
        if (server != null)
        {
            closed.with("cpuNs", ProcessCpu.processCpuNs() - serveCpuStartNs);
        }
        closeConduit();
        return closed;
    }

    private static DemoTls loadTls(final PeerMessage request)
    {
        final String directory = request.get("tlsDirectory");
        if (directory == null)
        {
            throw new IllegalArgumentException("demo peer request lacks TLS material: " + request.verb());
        }
        return DemoTls.load(Path.of(directory), request.get("tlsPassword"));
    }

    private void closeConduit()
    {
        if (server != null)
        {
            server.close();
            server = null;
        }
        if (conduit != null)
        {
            conduit.close();
            conduit = null;
        }
    }

    private static void answer(final PrintWriter out, final PeerMessage message)
    {
        out.println(message.encode());
        out.flush();
    }
}
