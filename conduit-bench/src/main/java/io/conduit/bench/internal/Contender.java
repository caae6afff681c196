package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A system measured by the harness: Conduit itself or one of its peers.
 */
public enum Contender
{
    /**
     * Conduit over its public API, on every transport: messaging through {@code Publication} and
     * {@code Subscription}, RPC through {@code conduit-rpc}'s {@code RpcServer} and {@code RpcClient}. It needs no
     * JVM flags.
     */
    CONDUIT("conduit", 10, ConduitSide::new, ConduitRpcSide::new, EnumSet.allOf(Scenario.Transport.class),
        List.of()),

    /**
     * Plain blocking {@link java.net.Socket} with TCP_NODELAY: the floor. For {@code rpc-latency} it is the same
     * echo, one message in flight: what a call costs with no RPC layer at all, and how much of an RPC's tail the
     * machine itself makes.
     */
    RAW_SOCKET("raw-socket", 5, RawSocketSide::new, RawSocketSide::new, EnumSet.of(Scenario.Transport.TCP),
        List.of()),

    /** JeroMQ (pure-Java ZeroMQ): REQ/REP for ping-pong, PUSH/PULL for streaming. Its JIT warm-up is long. */
    JEROMQ("jeromq", 20, JeromqSide::new, null, EnumSet.of(Scenario.Transport.TCP), List.of()),

    /**
     * grpc-java over Netty, plaintext, with a byte-array marshaller: the RPC peer. Its JIT warm-up is long: about
     * 15 s on a quiet machine, and on a busy 2-core VM its throughput was still a tenth of its steady state after
     * 15 s, hence 30.
     */
    GRPC("grpc", 30, null, GrpcSide::new, EnumSet.of(Scenario.Transport.TCP), List.of()),

    /**
     * Aeron's {@code aeron:ipc} channel, with its media driver in a third process ({@link AeronDriverMain}).
     * The flags are those Aeron's authors run it with on Java 17: Agrona reaches into {@code jdk.internal.misc},
     * the driver into {@code java.util.zip} and {@code sun.nio.ch}, and benchmarks turn bounds checks off.
     */
    AERON_IPC("aeron-ipc", 5, AeronIpcSide::new, null, EnumSet.of(Scenario.Transport.SHM), List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dagrona.disable.bounds.checks=true")),

    /** Two processes exchanging messages through a mapped file with plain VarHandles: the floor. */
    RAW_SHM("raw-shm", 5, RawShmSide::new, null, EnumSet.of(Scenario.Transport.SHM), List.of());

    private final String cliName;
    private final double defaultWarmupS;
    private final Supplier<Side> messagingSide;
    private final Supplier<Side> rpcSide;
    private final Set<Scenario.Transport> transports;
    private final List<String> jvmFlags;

    Contender(
        final String cliName,
        final double defaultWarmupS,
        final Supplier<Side> messagingSide,
        final Supplier<Side> rpcSide,
        final Set<Scenario.Transport> transports,
        final List<String> jvmFlags)
    {
        this.cliName = cliName;
        this.defaultWarmupS = defaultWarmupS;
        this.messagingSide = messagingSide;
        this.rpcSide = rpcSide;
        this.transports = transports;
        this.jvmFlags = jvmFlags;
    }

    /**
     * @param scenario to run.
     * @return true when this contender has sides for the scenario's transport and kind: messaging systems run
     * the messaging scenarios, RPC systems the rpc ones.
     */
    public boolean supports(final Scenario scenario)
    {
        if (this == RAW_SOCKET && scenario.isRpc())
        {
            // An echo over a socket has one message in flight: it is no peer for 64 calls in flight.
            return scenario == Scenario.RPC_LATENCY;
        }
        return transports.contains(scenario.transport()) && (scenario.isRpc() ? rpcSide : messagingSide) != null;
    }

    /**
     * @return JVM flags this contender's processes need beyond the harness's own, empty for most.
     */
    public List<String> jvmFlags()
    {
        return jvmFlags;
    }

    /**
     * @return true when a run needs a media driver process beside the two sides.
     */
    public boolean needsMediaDriver()
    {
        return this == AERON_IPC;
    }

    /**
     * @return the name used on the command line and in reports.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @return the warm-up, in seconds, after which this contender's figures are steady on a small machine.
     */
    public double defaultWarmupS()
    {
        return defaultWarmupS;
    }

    /**
     * @param scenario to run.
     * @return a new side implementation for it, run inside a side process.
     * @throws IllegalArgumentException when this contender does not run the scenario.
     */
    public Side newSide(final Scenario scenario)
    {
        if (!supports(scenario))
        {
            throw new IllegalArgumentException("system does not run scenario: system=" + cliName + ", scenario=" +
                scenario.cliName() + " (peers that do: " + peerNames(scenario) + ")");
        }
        return (scenario.isRpc() ? rpcSide : messagingSide).get();
    }

    /**
     * @param name as on the command line.
     * @return the contender.
     * @throws IllegalArgumentException naming the unknown contender and the known ones.
     */
    public static Contender fromCliName(final String name)
    {
        for (final Contender contender : values())
        {
            if (contender.cliName.equals(name))
            {
                return contender;
            }
        }
        throw new IllegalArgumentException("unknown system: system=" + name + " (expected " + names() + ")");
    }

    /**
     * @return the peers' command-line names (every contender but Conduit), comma separated.
     */
    public static String peerNames()
    {
        return Arrays.stream(values()).filter(c -> c != CONDUIT).map(Contender::cliName)
            .collect(Collectors.joining(", "));
    }

    /**
     * @param scenario to run.
     * @return the command-line names of the peers that apply to the scenario, comma separated.
     */
    public static String peerNames(final Scenario scenario)
    {
        return Arrays.stream(values()).filter(c -> c != CONDUIT && c.supports(scenario)).map(Contender::cliName)
            .collect(Collectors.joining(", "));
    }

    private static String names()
    {
        return Arrays.stream(values()).map(Contender::cliName).collect(Collectors.joining(", "));
    }
}
