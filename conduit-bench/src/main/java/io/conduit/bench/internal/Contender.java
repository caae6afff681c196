package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A system measured by the harness: Conduit itself or one of its peers.
 */
public enum Contender
{
    /**
     * Conduit over its public API: messaging through {@code Publication} and {@code Subscription}, RPC through
     * {@code conduit-rpc}'s {@code RpcServer} and {@code RpcClient}.
     */
    CONDUIT("conduit", 10, ConduitSide::new, ConduitRpcSide::new),

    /** Plain blocking {@link java.net.Socket} with TCP_NODELAY: the floor. */
    RAW_SOCKET("raw-socket", 5, RawSocketSide::new, null),

    /** JeroMQ (pure-Java ZeroMQ): REQ/REP for ping-pong, PUSH/PULL for streaming. Its JIT warm-up is long. */
    JEROMQ("jeromq", 20, JeromqSide::new, null),

    /**
     * grpc-java over Netty, plaintext, with a byte-array marshaller: the RPC peer. Its JIT warm-up is long: about
     * 15 s on a quiet machine, and on a busy 2-core VM its throughput was still a tenth of its steady state after
     * 15 s, hence 30.
     */
    GRPC("grpc", 30, null, GrpcSide::new);

    private final String cliName;
    private final double defaultWarmupS;
    private final Supplier<Side> messagingSide;
    private final Supplier<Side> rpcSide;

    Contender(
        final String cliName,
        final double defaultWarmupS,
        final Supplier<Side> messagingSide,
        final Supplier<Side> rpcSide)
    {
        this.cliName = cliName;
        this.defaultWarmupS = defaultWarmupS;
        this.messagingSide = messagingSide;
        this.rpcSide = rpcSide;
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
     * @return true when this contender has sides for the scenario: messaging systems run the tcp scenarios, RPC
     * systems the rpc ones.
     */
    public boolean runs(final Scenario scenario)
    {
        return (scenario.isRpc() ? rpcSide : messagingSide) != null;
    }

    /**
     * @param scenario to run.
     * @return a new side implementation for it, run inside a side process.
     * @throws IllegalArgumentException when this contender does not run the scenario.
     */
    public Side newSide(final Scenario scenario)
    {
        if (!runs(scenario))
        {
            throw new IllegalArgumentException("system does not run scenario: system=" + cliName + ", scenario=" +
                scenario.cliName() + " (systems that do: " + names(scenario) + ")");
        }
        return (scenario.isRpc() ? rpcSide : messagingSide).get();
    }

    /**
     * @param scenario to run.
     * @return the command-line names of the contenders that run it, comma separated.
     */
    public static String names(final Scenario scenario)
    {
        return Arrays.stream(values()).filter(c -> c.runs(scenario)).map(Contender::cliName)
            .collect(Collectors.joining(", "));
    }

    /**
     * @param scenario to run.
     * @return the command-line names of the peers that run it, comma separated.
     */
    public static String peerNames(final Scenario scenario)
    {
        return Arrays.stream(values()).filter(c -> c != CONDUIT && c.runs(scenario)).map(Contender::cliName)
            .collect(Collectors.joining(", "));
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

    private static String names()
    {
        return Arrays.stream(values()).map(Contender::cliName).collect(Collectors.joining(", "));
    }
}
