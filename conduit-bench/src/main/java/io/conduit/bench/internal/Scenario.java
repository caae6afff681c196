package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a bench run measures. Each scenario has two sides in two processes: the responder starts first and
 * listens, the initiator connects to it.
 */
public enum Scenario
{
    /**
     * Latency: one message in flight. The initiator (pinger) sends at a fixed rate and records the round trip
     * from each message's scheduled send time; the responder (ponger) echoes.
     */
    TCP_PINGPONG("tcp-pingpong", true),

    /**
     * Throughput: the initiator (sender) streams as fast as back-pressure allows; the responder (receiver)
     * counts messages and bytes in the measurement window and verifies every sequence number.
     */
    TCP_THROUGHPUT("tcp-throughput", false);

    private final String cliName;
    private final boolean latency;

    Scenario(final String cliName, final boolean latency)
    {
        this.cliName = cliName;
        this.latency = latency;
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
     * @return true when the initiator takes the measurement, false when the responder does.
     */
    public boolean initiatorMeasures()
    {
        return latency;
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
