package io.conduit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.conduit.BusySpinIdleStrategy;
import io.conduit.bench.internal.AeronDriverMain;
import io.conduit.bench.internal.BenchReport;
import io.conduit.bench.internal.BenchRunner;
import io.conduit.bench.internal.Contender;
import io.conduit.bench.internal.Waiting;
import io.conduit.bench.internal.ContenderResult;
import io.conduit.bench.internal.CpuAffinity;
import io.conduit.bench.internal.MachineInfo;
import io.conduit.bench.internal.Pinning;
import io.conduit.bench.internal.ProgressBar;
import io.conduit.bench.internal.Scenario;
import io.conduit.bench.internal.SideLauncher;
import io.conduit.bench.internal.Workload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit bench <scenario> [--vs PEER] ...}: runs a scenario for Conduit and, with {@code --vs}, for a
 * peer, one after the other in one run with the same workload, each side of each system in its own JVM, and
 * prints both with their ratio. Exits 0 on success, 1 when a run failed, 2 on bad arguments.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run a scenario for Conduit and, with --vs, for a peer, in one run with the same workload.",
        "Each side of each system runs in its own JVM. Latency is taken at a fixed send rate from each",
        "message's scheduled send time (coordinated omission corrected); throughput at the receiver.",
        "",
        "Scenarios: tcp-pingpong and shm-pingpong (latency; headline p50), tcp-throughput and",
        "shm-throughput (msgs/s and MB/s); rpc-latency and rpc-shm-latency (one echo call in flight at",
        "a fixed rate; headline p50), rpc-throughput and rpc-shm-throughput (64 asynchronous echo calls in",
        "flight; headline calls/s).",
        "Peers over TCP: raw-socket (blocking java.net.Socket, the floor), jeromq (REQ/REP, PUSH/PULL);",
        "for the rpc scenarios grpc (grpc-java over Netty, plaintext, a byte-array marshaller), and for",
        "rpc-latency raw-socket too (the same echo with no RPC layer: the floor).",
        "Peers over shared memory: aeron-ipc (Aeron's aeron:ipc, media driver in a third process),",
        "raw-shm (a mapped file and plain VarHandles, the floor).",
        "",
        "On a small shared machine compare latency only under the same pinning, and quote ratios",
        "taken in one run: waking a process on another CPU costs tens of microseconds."
    },
    footer = {
        "",
        "Idle strategy: Conduit's poll loops use --idle; raw-socket, jeromq and grpc block in their I/O calls",
        "as their authors intend; aeron-ipc polls with Agrona's strategy of that name, raw-shm spins.",
        "Shared memory defaults to busy-spin with --pin split: no kernel on the data path, each side",
        "spins on a CPU of its own. TCP latency defaults to yield: with --pin same both processes share one",
        "CPU, and a busy-spinning poller would keep its peer off that CPU for a whole scheduler slice",
        "(milliseconds); yield hands the CPU over at once when the peer is runnable. Throughput defaults",
        "to block: a receiving poller that sleeps until woken leaves the CPU to its own event loop. Use",
        "busy-spin only with --pin split on an otherwise idle machine with a CPU per spinning thread.",
        "",
        "Examples:",
        "  conduit bench tcp-pingpong --vs raw-socket --size 64 --pin same --json",
        "  conduit bench tcp-throughput --vs jeromq --size 64 --pin split --json",
        "  conduit bench shm-pingpong --vs aeron-ipc --size 32",
        "  conduit bench shm-throughput --vs raw-shm --size 4096",
        "  conduit bench rpc-latency --vs grpc --size 1024",
        "  conduit bench rpc-shm-throughput"
    })
public final class BenchCommand implements Callable<Integer>
{
    /**
     * Default send rate of latency scenarios, in messages per second. With one message in flight a round trip
     * must finish within the interval; on a small VM a cross-CPU round trip can take 100 us or more, so 10,000/s
     * would measure a growing backlog rather than the transport.
     */
    public static final int DEFAULT_RATE = 2_000;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO",
        description = "tcp-pingpong, tcp-throughput, shm-pingpong, shm-throughput, rpc-latency, rpc-throughput, " +
            "rpc-shm-latency or rpc-shm-throughput.")
    private String scenarioName;

    @Option(names = "--vs", paramLabel = "PEER",
        description = "Also run this peer: raw-socket or jeromq over TCP, aeron-ipc or raw-shm over shared memory, " +
            "grpc for rpc-latency and rpc-throughput, raw-socket for rpc-latency too.")
    private String peerName;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64",
        description = "Message size, 8 to 1048576 bytes (default: ${DEFAULT-VALUE}).")
    private int sizeBytes;

    @Option(names = "--rate", paramLabel = "R",
        description = "Messages per second of a latency scenario (default: " + DEFAULT_RATE + " over TCP, " +
            Scenario.SHM_RATE_PER_SEC + " over shared memory).")
    private Integer rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "10",
        description = "Measurement per system in seconds (default: ${DEFAULT-VALUE}).")
    private double durationS;

    @Option(names = "--warmup", paramLabel = "S",
        description = "Warm-up per system in seconds (default: 10 for conduit, 5 for raw-socket, aeron-ipc and " +
            "raw-shm, 20 for jeromq, 30 for grpc).")
    private Double warmupS;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
        description = "Run Conduit and the peer alternately N times, each round with its own processes, " +
            "warm-up and measurement, and combine each one's rounds (histograms added; all messages over all " +
            "time), so that both meet the same noise on a shared machine (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--pin", paramLabel = "same|split|none",
        description = "taskset pinning of the two processes: both on one CPU, one each, or unpinned " +
            "(default: split for shared memory and throughput, same for TCP latency).")
    private String pinName;

    @Option(names = "--idle", paramLabel = "block|inline|poller|poller-block|busy-spin|yield|backoff",
        description = "How Conduit's poll loops wait: block (sleep until woken by the transport), inline (TCP " +
            "latency only: no poll loop, handlers run on the I/O thread, ?delivery=inline), poller (TCP only: " +
            "poll loops read the sockets themselves, ?delivery=poller, and yield), poller-block (the same, " +
            "sleeping on the sockets in a blocking poll) or an idle " +
            "strategy; the pacer yields (default: busy-spin for shared memory, poller for tcp-pingpong, yield " +
            "for RPC latency, block for TCP throughput).")
    private String idle;

    @Option(names = "--jvm-flags", paramLabel = "FLAGS", defaultValue = SideLauncher.DEFAULT_JVM_FLAGS,
        description = "JVM flags of every side process (default: ${DEFAULT-VALUE}).")
    private String jvmFlags;

    @Option(names = "--only", paramLabel = "conduit|peer",
        description = "Run only Conduit or only the --vs peer.")
    private String only;

    @Option(names = "--histograms", paramLabel = "DIR",
        description = "Write each latency histogram's percentile distribution (HdrHistogram .hgrm, in us) here.")
    private Path histogramDir;

    @Option(names = "--json", description = "Print one JSON object on the last line of stdout.")
    private boolean json;

    @Option(names = "--no-progress", negatable = false, description = "Do not draw progress on stderr.")
    private boolean noProgress;

    /**
     * Run standalone.
     *
     * @param args as for {@code conduit bench}.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final Scenario scenario = parse(() -> Scenario.fromCliName(scenarioName));
        final Contender peer = peerName == null ? null : parse(() -> peer(peerName));
        final Pinning pinning = pinName != null ? parse(() -> Pinning.fromCliName(pinName)) :
            scenario.defaultPinning();
        validate(scenario, peer);

        final CpuAffinity affinity = CpuAffinity.probe();
        final PrintWriter err = spec.commandLine().getErr();
        if (affinity.effective(pinning) != pinning)
        {
            err.println("conduit bench: pinning " + affinity.describe(pinning));
            err.flush();
        }
        final SideLauncher launcher = SideLauncher.forThisJvm(SideLauncher.splitFlags(jvmFlags), affinity, pinning);
        final BenchRunner runner = new BenchRunner(launcher, noProgress ? ProgressBar.none() : ProgressBar.onStderr());

        final Map<String, Object> settings = settings(scenario, peer, affinity.describe(pinning), launcher);
        final String busy = BusySpinIdleStrategy.NAME.equals(idle) ? MachineInfo.busyWarning(
            (Double)((Map<?, ?>)settings.get("machine")).get("loadAverage"),
            Runtime.getRuntime().availableProcessors(), 2) : null;
        if (busy != null)
        {
            err.println("conduit bench: " + busy);
            err.flush();
        }
        final List<ContenderResult> conduitRounds = new ArrayList<>();
        final List<ContenderResult> peerRounds = new ArrayList<>();
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                if (!"peer".equals(only))
                {
                    conduitRounds.add(runner.run(workload(scenario, Contender.CONDUIT)));
                }
                if (peer != null && !"conduit".equals(only))
                {
                    peerRounds.add(runner.run(workload(scenario, peer)));
                }
            }
        }
        catch (final IllegalStateException ex)
        {
            err.println("conduit bench: " + ex.getMessage());
            err.flush();
            return 1;
        }
        final ContenderResult conduitResult =
            conduitRounds.isEmpty() ? null : ContenderResult.combine(conduitRounds, sizeBytes);
        final ContenderResult peerResult = peerRounds.isEmpty() ? null : ContenderResult.combine(peerRounds, sizeBytes);
        writeHistograms(scenario, conduitResult, peerResult);
        final BenchReport report = new BenchReport(scenario, settings, peer, conduitResult, peerResult);
        final PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
        out.flush();
        return 0;
    }

    private void validate(final Scenario scenario, final Contender peer)
    {
        if (sizeBytes < Workload.MIN_SIZE_BYTES || sizeBytes > Workload.MAX_SIZE_BYTES)
        {
            throw usage("invalid --size: sizeBytes=" + sizeBytes + " (expected " + Workload.MIN_SIZE_BYTES +
                " to " + Workload.MAX_SIZE_BYTES + ")");
        }
        if (rate != null && !scenario.isLatency())
        {
            throw usage("--rate applies to latency scenarios only: scenario=" + scenario.cliName() +
                " streams as fast as back-pressure allows");
        }
        if (rate != null && (rate < 1 || rate > 1_000_000))
        {
            throw usage("invalid --rate: rate=" + rate + " (expected 1 to 1000000 messages per second)");
        }
        if (rounds < 1 || rounds > 100)
        {
            throw usage("invalid --rounds: rounds=" + rounds + " (expected 1 to 100)");
        }
        if (!(durationS > 0 && durationS <= 3600))
        {
            throw usage("invalid --duration: durationS=" + durationS + " (expected more than 0, at most 3600)");
        }
        if (warmupS != null && !(warmupS >= 0 && warmupS <= 3600))
        {
            throw usage("invalid --warmup: warmupS=" + warmupS + " (expected 0 to 3600)");
        }
        if (peer != null && !peer.supports(scenario))
        {
            final String peers = Contender.peerNames(scenario);
            throw usage("peer does not run this scenario: scenario=" + scenario.cliName() + ", peer=" +
                peer.cliName() + " (expected " + (peers.isEmpty() ? "no peer" : peers) + ")");
        }
        if (idle == null)
        {
            idle = scenario.defaultIdle();
        }
        parse(() -> Waiting.idleStrategy(idle));
        if (Waiting.isInline(idle) && scenario != Scenario.TCP_PINGPONG)
        {
            throw usage("--idle inline runs Conduit's TCP handlers on the I/O thread, for tcp-pingpong only: " +
                "scenario=" + scenario.cliName());
        }
        if (Waiting.isPoller(idle) && (scenario.transport() != Scenario.Transport.TCP || scenario.isRpc()))
        {
            throw usage("--idle " + idle + " has Conduit's TCP subscriptions read their own sockets, for " +
                "tcp-pingpong and tcp-throughput only: scenario=" + scenario.cliName());
        }
        if (SideLauncher.splitFlags(jvmFlags).stream().anyMatch(flag -> !flag.startsWith("-")))
        {
            throw usage("invalid --jvm-flags: every flag starts with '-': jvmFlags=" + jvmFlags);
        }
        if (only != null && !"conduit".equals(only) && !"peer".equals(only))
        {
            throw usage("invalid --only: only=" + only + " (expected conduit or peer)");
        }
        if ("peer".equals(only) && peer == null)
        {
            throw usage("--only peer needs --vs PEER");
        }
    }

    private static Contender peer(final String name)
    {
        final Contender contender = Contender.fromCliName(name);
        if (contender == Contender.CONDUIT)
        {
            throw new IllegalArgumentException("conduit is not a peer of itself: --vs " + name + " (expected " +
                Contender.peerNames() + ")");
        }
        return contender;
    }

    private Workload workload(final Scenario scenario, final Contender contender)
    {
        final int ratePerSec = scenario.isLatency() ? ratePerSec(scenario) : 0;
        return new Workload(scenario, contender, false, sizeBytes, ratePerSec, toNanos(warmupS(contender)),
            toNanos(durationS), idle, 0);
    }

    private int ratePerSec(final Scenario scenario)
    {
        return rate == null ? scenario.defaultRatePerSec(DEFAULT_RATE) : rate;
    }

    private double warmupS(final Contender contender)
    {
        return warmupS != null ? warmupS : contender.defaultWarmupS();
    }

    private static long toNanos(final double seconds)
    {
        return Math.round(seconds * TimeUnit.SECONDS.toNanos(1));
    }

    private Map<String, Object> settings(
        final Scenario scenario,
        final Contender peer,
        final String pinning,
        final SideLauncher launcher)
    {
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sizeBytes", sizeBytes);
        settings.put("ratePerSec", scenario.isLatency() ? ratePerSec(scenario) : "unpaced");
        if (scenario.isRpc())
        {
            settings.put("callsInFlight", scenario.isLatency() ? 1 : Scenario.RPC_CALLS_IN_FLIGHT);
        }
        settings.put("durationS", durationS);
        if (rounds > 1)
        {
            settings.put("rounds", rounds + " (alternating; figures combine every round)");
        }
        final Map<String, Object> warmups = new LinkedHashMap<>();
        if (!"peer".equals(only))
        {
            warmups.put(Contender.CONDUIT.cliName(), warmupS(Contender.CONDUIT));
        }
        if (peer != null && !"conduit".equals(only))
        {
            warmups.put(peer.cliName(), warmupS(peer));
        }
        settings.put("warmupS", warmups);
        settings.put("pin", pinning);
        settings.put("idle", idle + idleOfPeers(scenario));
        settings.put("jvmFlags", jvmFlags(peer, launcher));
        if (peer != null && peer.needsMediaDriver() && !"conduit".equals(only))
        {
            settings.put("driver", peer.cliName() + ": " + AeronDriverMain.describe());
        }
        settings.put("machine", MachineInfo.describe());
        return settings;
    }

    private String idleOfPeers(final Scenario scenario)
    {
        if (scenario.transport() == Scenario.Transport.SHM)
        {
            return " (conduit poll loops and URI ?idle=, pacer; aeron-ipc Agrona's of that name; raw-shm spins)";
        }
        return " (conduit poll loops, pacer; peers block in I/O)";
    }

    private Map<String, Object> jvmFlags(final Contender peer, final SideLauncher launcher)
    {
        final Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(Contender.CONDUIT.cliName(), String.join(" ", launcher.jvmFlags(Contender.CONDUIT)));
        if (peer != null)
        {
            flags.put(peer.cliName(), String.join(" ", launcher.jvmFlags(peer)));
        }
        return flags;
    }

    private void writeHistograms(
        final Scenario scenario,
        final ContenderResult... results) throws IOException
    {
        if (histogramDir == null)
        {
            return;
        }
        Files.createDirectories(histogramDir);
        for (final ContenderResult result : results)
        {
            if (result != null && result.histogram() != null)
            {
                final Path file = histogramDir.resolve(scenario.cliName() + "-" + result.contender().cliName() +
                    ".hgrm");
                try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8))
                {
                    result.histogram().outputPercentileDistribution(out, 1000.0);
                }
            }
        }
    }

    private <T> T parse(final Parser<T> parser)
    {
        try
        {
            return parser.parse();
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private CommandLine.ParameterException usage(final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @FunctionalInterface
    private interface Parser<T>
    {
        T parse();
    }
}
