package io.conduit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.conduit.IdleStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conduit demo}: the main job. Starts a second JVM and, for every mechanism implemented so far, sends
 * stamped messages at a fixed rate for a few seconds, then prints one row per mechanism: messages, rate, latency
 * percentiles, lost, errors and CPU. Exits non-zero when any mechanism lost a message or had an error.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Exchange messages between two processes over every mechanism implemented so far, and print a table: " +
            "messages, msgs/s, latency percentiles, lost, errors, CPU%%.",
        "Latency runs from the scheduled send time (coordinated omission corrected) to arrival, both processes " +
            "on this host; the first half of each run warms up and is left out. CPU%% is the CPU time of both " +
            "processes over wall time (100%% = one CPU). Exits non-zero when a message was lost or an error seen.",
        "The rpc rows call an echo service served by the second JVM, at the same rate with the same payload, " +
            "asynchronously: a call counts as a message, its latency runs from its scheduled start to its reply, " +
            "and lost are the calls that failed. Before them, 2 s of uncounted calls warm the JIT up."
    })
final class DemoCommand implements Callable<Integer>
{
    private static final String ROW_FORMAT = "%-10s %9s %9s %9s %9s %9s %9s %6s %6s %6s%n";

    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "6",
        description = "Seconds each mechanism sends for (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "10000",
        description = "Messages per second, a fixed rate (default: ${DEFAULT-VALUE}).")
    private long ratePerSecond;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
        description = "Message size, at least 16 bytes (default: ${DEFAULT-VALUE}).")
    private int sizeBytes;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = PollLoop.BLOCK,
        description = "How the subscriber waits: block (sleep until woken by the transport), busy-spin, yield " +
            "or backoff (default: ${DEFAULT-VALUE}).")
    private String idleStrategy;

    @Option(names = "--mechanisms", paramLabel = "NAME", split = ",",
        description = "Run only these, comma-separated (default: all).")
    private List<String> mechanismNames;

    @Option(names = "--json", description = "Print one JSON object per mechanism (JSON Lines) instead of a table.")
    private boolean json;

    @Override
    public Integer call()
    {
        Options.requireAtLeast(spec, "--rate", ratePerSecond, 1);
        Options.requireAtLeast(spec, "--size", sizeBytes, StampDescriptor.STAMP_LENGTH);
        Options.secondsToNanos(spec, "--seconds", seconds);
        requireIdleStrategy();
        final List<Mechanism> mechanisms = selectedMechanisms();
        final DemoSettings settings = new DemoSettings(sizeBytes, ratePerSecond, seconds, idleStrategy);

        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<MechanismResult> results = new ArrayList<>();
        try (DemoRun run = new DemoRun(settings))
        {
            if (!json)
            {
                printWorkload(out, settings);
            }
            final Map<Mechanism, String> unprepared = prepare(mechanisms, run);
            if (!json)
            {
                printColumns(out, run);
            }
            for (final Mechanism mechanism : mechanisms)
            {
                final String failure = unprepared.get(mechanism);
                final MechanismResult result = failure == null ?
                    mechanism.run(run) : MechanismResult.failed(mechanism.name(), failure);
                results.add(result);
                if (json)
                {
                    out.println(result.toJson());
                }
                else
                {
                    printRow(out, result);
                }
                out.flush();
                if (result.failure() != null)
                {
                    err.println(spec.qualifiedName() + ": " + result.mechanism() + ": " + result.failure());
                    err.flush();
                }
            }
        }
        return verdict(spec.qualifiedName(), err, results);
    }

    private static Map<Mechanism, String> prepare(final List<Mechanism> mechanisms, final DemoRun run)
    {
        final Map<Mechanism, String> failures = new HashMap<>();
        for (final Mechanism mechanism : mechanisms)
        {
            try
            {
                mechanism.prepare(run);
            }
            catch (final RuntimeException ex)
            {
                failures.put(mechanism, ErrorReporter.describe(ex));
            }
        }
        return failures;
    }

    private void requireIdleStrategy()
    {
        try
        {
            PollLoop.of(idleStrategy);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
    }

    private List<Mechanism> selectedMechanisms()
    {
        if (mechanismNames == null || mechanismNames.isEmpty())
        {
            return Mechanisms.all();
        }
        final List<Mechanism> selected = new ArrayList<>();
        for (final String name : mechanismNames)
        {
            try
            {
                selected.add(Mechanisms.byName(name.trim()));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
            }
        }
        return selected;
    }

    private static void printWorkload(final PrintWriter out, final DemoSettings settings)
    {
        out.printf(Locale.ROOT, "conduit demo: %d-byte messages at %d msgs/s for %.1f s per mechanism " +
            "(latency after the first %d messages), idle strategy %s%n",
            settings.sizeBytes(), settings.ratePerSecond(), settings.seconds(), settings.warmupMessages(),
            settings.idleStrategy());
        out.flush();
    }

    private static void printColumns(final PrintWriter out, final DemoRun run)
    {
        out.printf(Locale.ROOT, "subscriber and rpc client pid %d, publisher and rpc server pid %d " +
            "(inproc: both in pid %d); %d CPUs, JVM %s%n%n",
            ProcessHandle.current().pid(), run.peerPid(), ProcessHandle.current().pid(),
            Runtime.getRuntime().availableProcessors(), Runtime.version());
        out.printf(Locale.ROOT, ROW_FORMAT,
            "mechanism", "messages", "msgs/s", "p50 us", "p99 us", "p99.9 us", "max us", "lost", "errors", "CPU%");
        out.flush();
    }

    private static void printRow(final PrintWriter out, final MechanismResult result)
    {
        out.printf(Locale.ROOT, ROW_FORMAT,
            result.mechanism(),
            result.messages(),
            String.format(Locale.ROOT, "%.0f", result.msgsPerSec()),
            micros(result.p50Us()),
            micros(result.p99Us()),
            micros(result.p999Us()),
            micros(result.maxUs()),
            result.lost(),
            result.errors(),
            String.format(Locale.ROOT, "%.0f", result.cpuPercent()));
    }

    private static String micros(final double micros)
    {
        return String.format(Locale.ROOT, "%.1f", micros);
    }

    /**
     * @param command name to start the error line with.
     * @param err     where to say which mechanisms lost messages or failed.
     * @param results of every mechanism.
     * @return the exit code: {@code SOFTWARE} when any mechanism lost a message or saw an error, else {@code OK}.
     */
    static int verdict(final String command, final PrintWriter err, final List<MechanismResult> results)
    {
        final List<String> problems = new ArrayList<>();
        for (final MechanismResult result : results)
        {
            if (result.lost() > 0 || result.errors() > 0)
            {
                problems.add(result.mechanism() + " lost=" + result.lost() + " errors=" + result.errors());
            }
        }
        if (problems.isEmpty())
        {
            return CommandLine.ExitCode.OK;
        }
        err.println(command + ": delivery failed: " + String.join(", ", problems));
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }
}
