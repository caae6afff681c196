package io.conduit.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.ErrorCode;
import io.conduit.Subscription;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit sub}: receives messages stamped by {@code conduit pub} and reports rate, latency and delivery.
 */
@Command(
    name = "sub",
    mixinStandardHelpOptions = true,
    description = {
        "Subscribe to an endpoint and report what arrived: count, bytes, msgs/s, latency percentiles (from the " +
            "stamped send time; both processes on one host) and, per publisher, gaps, duplicates and " +
            "out-of-order arrivals.",
        "Stops after --count messages, or when no message has arrived for --timeout seconds. Exits non-zero when " +
            "no publisher connected, fewer than --count arrived, or any was missing, duplicated or out of order."
    })
final class SubCommand implements Callable<Integer>
{
    private static final int POLL_LIMIT = 256;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<endpoint>",
        description = "Where to subscribe, such as tcp://127.0.0.1:9000 (port 0 picks a free one) or inproc:demo.")
    private String endpoint;

    @Option(names = "--stream", paramLabel = "N", defaultValue = "1",
        description = "Stream id (default: ${DEFAULT-VALUE}).")
    private int streamId;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
        description = "Messages to receive before stopping; 0 for no limit (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "Stop when no message has arrived for this long (default: ${DEFAULT-VALUE}).")
    private double timeoutSeconds;

    @Option(names = "--json", description = "Print the report as one JSON object on the last line.")
    private boolean json;

    private boolean publisherSeen;

    @Override
    public Integer call()
    {
        Options.requireAtLeast(spec, "--count", count, 0);
        final long timeoutNs = Options.secondsToNanos(spec, "--timeout", timeoutSeconds);

        final PrintWriter out = spec.commandLine().getOut();
        final DeliveryReport report;
        try (StopSignal stop = new StopSignal();
            Conduit conduit = Conduit.launch();
            Subscription subscription = conduit.addSubscription(endpoint, streamId))
        {
            out.println("subscribed: endpoint=" + subscription.endpoint() + ", streamId=" + streamId);
            out.flush();
            report = receive(subscription, PollLoop.of(PollLoop.BLOCK), timeoutNs, stop);
            if (report.received() == 0 && !publisherSeen && !stop.getAsBoolean())
            {
                throw new ConduitException(ErrorCode.TIMED_OUT, "no publisher connected: endpoint=" +
                    subscription.endpoint() + ", streamId=" + streamId + ", timeoutMs=" +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
            out.println(json ? report.toJson().toString() : describe(report));
            out.flush();
        }
        if (count > 0 && report.received() < count)
        {
            throw new ConduitException(ErrorCode.TIMED_OUT, "fewer messages than expected: received=" +
                report.received() + ", expected=" + count + ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
        }
        if (!report.isClean())
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, "delivery errors: gaps=" + report.gaps() +
                ", duplicates=" + report.duplicates() + ", outOfOrder=" + report.outOfOrder());
        }
        return CommandLine.ExitCode.OK;
    }

    private DeliveryReport receive(
        final Subscription subscription, final PollLoop pollLoop, final long timeoutNs, final StopSignal stop)
    {
        final DeliveryRecorder recorder = new DeliveryRecorder(0);
        long lastArrivalNs = System.nanoTime();
        while (!stop.getAsBoolean() && (count == 0 || recorder.received() < count))
        {
            final int delivered = pollLoop.poll(subscription, recorder, POLL_LIMIT);
            final long nowNs = System.nanoTime();
            if (delivered > 0)
            {
                lastArrivalNs = nowNs;
            }
            else if (!publisherSeen && subscription.isConnected())
            {
                publisherSeen = true;
            }
            else if (nowNs - lastArrivalNs > timeoutNs)
            {
                break;
            }
        }
        return recorder.report();
    }

    private static String describe(final DeliveryReport report)
    {
        return String.format(Locale.ROOT,
            "received %d messages (%d bytes) from %d publisher(s) at %.0f msgs/s%n" +
            "latency us: p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n" +
            "gaps %d, duplicates %d, out of order %d%s",
            report.received(), report.bytes(), report.sessions(), report.msgsPerSec(),
            report.p50Us(), report.p99Us(), report.p999Us(), report.maxUs(),
            report.gaps(), report.duplicates(), report.outOfOrder(),
            report.unstamped() > 0 ? ", unstamped (shorter than 16 bytes) " + report.unstamped() : "");
    }
}
