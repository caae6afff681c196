package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A system measured by the harness: Conduit itself or one of its peers.
 */
public enum Contender
{
    /** Conduit over its public API. */
    CONDUIT("conduit", 10, ConduitSide::new),

    /** Plain blocking {@link java.net.Socket} with TCP_NODELAY: the floor. */
    RAW_SOCKET("raw-socket", 5, RawSocketSide::new),

    /** JeroMQ (pure-Java ZeroMQ): REQ/REP for ping-pong, PUSH/PULL for streaming. Its JIT warm-up is long. */
    JEROMQ("jeromq", 20, JeromqSide::new);

    private final String cliName;
    private final double defaultWarmupS;
    private final Supplier<Side> sideFactory;

    Contender(final String cliName, final double defaultWarmupS, final Supplier<Side> sideFactory)
    {
        this.cliName = cliName;
        this.defaultWarmupS = defaultWarmupS;
        this.sideFactory = sideFactory;
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
     * @return a new side implementation, run inside a side process.
     */
    public Side newSide()
    {
        return sideFactory.get();
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
