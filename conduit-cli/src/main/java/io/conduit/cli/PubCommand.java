package io.conduit.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit pub}: publishes messages stamped with a sequence number and send time, and reports what was sent.
 */
@Command(
    name = "pub",
    mixinStandardHelpOptions = true,
    description = {
        "Publish stamped messages to an endpoint and report what was sent.",
        "Waits for a subscriber to connect (up to --timeout). Each message carries a sequence number and its " +
            "send time, so 'conduit sub' can measure latency and check delivery; at a --rate the scheduled " +
            "send time is stamped, correcting for coordinated omission."
    })
final class PubCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<endpoint>",
        description = "Where to publish, such as tcp://127.0.0.1:9000 or inproc:demo.")
    private String endpoint;

    @Option(names = "--stream", paramLabel = "N", defaultValue = "1",
        description = "Stream id (default: ${DEFAULT-VALUE}).")
    private int streamId;

    @Option(names = "--count", paramLabel = "N", defaultValue = "100000",
        description = "Messages to send; 0 sends until interrupted (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
        description = "Message size, at least 16 bytes; accepts k and m (default: ${DEFAULT-VALUE}).")
    private int sizeBytes;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "0",
        description = "Messages per second; 0 sends as fast as they are accepted (default: ${DEFAULT-VALUE}).")
    private long ratePerSecond;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "Longest wait for a subscriber to connect, and for any one message to be accepted " +
            "(default: ${DEFAULT-VALUE}).")
    private double timeoutSeconds;

    @Option(names = "--json", description = "Print the report as one JSON object on the last line.")
    private boolean json;

    @Override
    public Integer call()
    {
        Options.requireAtLeast(spec, "--count", count, 0);
        Options.requireAtLeast(spec, "--size", sizeBytes, StampDescriptor.STAMP_LENGTH);
        Options.requireAtLeast(spec, "--rate", ratePerSecond, 0);
        final long timeoutNs = Options.secondsToNanos(spec, "--timeout", timeoutSeconds);

        final PrintWriter out = spec.commandLine().getOut();
        final PublishReport report;
        try (StopSignal stop = new StopSignal();
            Conduit conduit = Conduit.launch();
            Publication publication = conduit.addPublication(endpoint, streamId))
        {
            report = new StampedPublisher(publication, sizeBytes, ratePerSecond).run(count, timeoutNs, stop);
            if (report.sent() > 0 || report.failure() == null)
            {
                out.println(json ? report.toJson().toString() : describe(report));
                out.flush();
            }
        }
        if (report.failure() != null)
        {
            throw new ConduitException(ErrorCode.TIMED_OUT, report.failure());
        }
        return CommandLine.ExitCode.OK;
    }

    private static String describe(final PublishReport report)
    {
        return String.format(Locale.ROOT, "sent %d messages (%d bytes) in %.3f s: %.0f msgs/s, back-pressured %d times",
            report.sent(), report.bytes(), report.elapsedNs() / 1e9, report.msgsPerSec(), report.backPressured());
    }
}
