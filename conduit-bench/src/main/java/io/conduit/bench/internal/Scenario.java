package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a bench run measures. Each scenario has two sides in two processes: the responder starts first and
 * listens, the initiator connects to it. In the RPC scenarios the responder is an echo server and the initiator
 * its client.
 */
public enum Scenario
{
    /**
     * Latency: one message in flight. The initiator (pinger) sends at a fixed rate and records the round trip
     * from each message's scheduled send time; the responder (ponger) echoes.
     */
    TCP_PINGPONG("tcp-pingpong", true, false),

    /**
     * Throughput: the initiator (sender) streams as fast as back-pressure allows; the responder (receiver)
     * counts messages and bytes in the measurement window and verifies every sequence number.
     */
    TCP_THROUGHPUT("tcp-throughput", false, false),

    /**
     * RPC latency: one call in flight. The client calls an echo method at a fixed rate and records each call from
     * its scheduled start (coordinated omission corrected), exactly as the pinger of {@link #TCP_PINGPONG} does.
     */
    RPC_LATENCY("rpc-latency", true, true),

    /**
     * RPC throughput: the client keeps {@link #RPC_CALLS_IN_FLIGHT} asynchronous echo calls in flight, starting
     * one as each completes, and counts completed calls (and their latency from start) in the measurement window.
     */
    RPC_THROUGHPUT("rpc-throughput", false, true);

    /** Calls in flight in {@link #RPC_THROUGHPUT}. */
    public static final int RPC_CALLS_IN_FLIGHT = 64;

    private final String cliName;
    private final boolean latency;
    private final boolean rpc;

    Scenario(final String cliName, final boolean latency, final boolean rpc)
    {
        this.cliName = cliName;
        this.latency = latency;
        this.rpc = rpc;
    }

    /**
     * @return the name used on the command line.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @return true when the headline figure is p50 latency (lower is better); false for msgs/s (higher is better).
     */
    public boolean isLatency()
    {
        return latency;
    }

    /**
     * @return true for request/reply scenarios: the responder serves an echo method, the initiator calls it.
     */
    public boolean isRpc()
    {
        return rpc;
    }

    /**
     * @return true when the initiator takes the measurement, false when the responder does.
     */
    public boolean initiatorMeasures()
    {
        return latency || rpc;
    }

    /**
     * @param name as on the command line.
     * @return the scenario.
     * @throws IllegalArgumentException naming the unknown scenario and the known ones.
     */
    public static Scenario fromCliName(final String name)
    {
        for (final Scenario scenario : values())
        {
            if (scenario.cliName.equals(name))
            {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario: scenario=" + name + " (expected " + names() + ")");
    }

    /**
     * @return the command-line names, comma separated.
     */
    public static String names()
    {
        return Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", "));
    }
}
