package io.conduit.bench.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one side process does: the scenario, its role in it and the workload. Passed to side processes as
 * {@code key=value} arguments. Immutable.
 */
public final class Workload
{
    /** Shortest message: it carries its sequence number. */
    public static final int MIN_SIZE_BYTES = Long.BYTES;
    /** Longest message the harness sends. */
    public static final int MAX_SIZE_BYTES = 1024 * 1024;
    /** Sequence number of the message that ends a run. */
    public static final long END_SEQUENCE = -1;

    private final Scenario scenario;
    private final Contender contender;
    private final boolean initiator;
    private final int sizeBytes;
    private final int ratePerSec;
    private final long warmupNs;
    private final long durationNs;
    private final String idle;
    private final int connectPort;
    private final String runName;

    /**
     * @param scenario    to run.
     * @param contender   the system measured.
     * @param initiator   true for the side that connects (pinger, sender), false for the one that listens.
     * @param sizeBytes   of each message.
     * @param ratePerSec  messages per second for latency scenarios; 0 when not paced.
     * @param warmupNs    before measuring.
     * @param durationNs  of the measurement.
     * @param idle        idle strategy name of Conduit's poll loops and of the pacer.
     * @param connectPort the responder's port, for the initiator; 0 for the responder.
     */
    public Workload(
        final Scenario scenario,
        final Contender contender,
        final boolean initiator,
        final int sizeBytes,
        final int ratePerSec,
        final long warmupNs,
        final long durationNs,
        final String idle,
        final int connectPort)
    {
        this(scenario, contender, initiator, sizeBytes, ratePerSec, warmupNs, durationNs, idle, connectPort, "");
    }

    private Workload(
        final Scenario scenario,
        final Contender contender,
        final boolean initiator,
        final int sizeBytes,
        final int ratePerSec,
        final long warmupNs,
        final long durationNs,
        final String idle,
        final int connectPort,
        final String runName)
    {
        this.scenario = scenario;
        this.contender = contender;
        this.initiator = initiator;
        this.sizeBytes = sizeBytes;
        this.ratePerSec = ratePerSec;
        this.warmupNs = warmupNs;
        this.durationNs = durationNs;
        this.idle = idle;
        this.connectPort = connectPort;
        this.runName = runName;
    }

    /**
     * @param args {@code key=value} arguments as made by {@link #toArgs()}.
     * @return the workload.
     * @throws IllegalArgumentException naming a missing or invalid argument.
     */
    public static Workload fromArgs(final String[] args)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("side argument is not key=value: arg=" + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new Workload(
            Scenario.fromCliName(required(values, "scenario")),
            Contender.fromCliName(required(values, "contender")),
            "initiator".equals(required(values, "role")),
            Integer.parseInt(required(values, "sizeBytes")),
            Integer.parseInt(required(values, "ratePerSec")),
            Long.parseLong(required(values, "warmupNs")),
            Long.parseLong(required(values, "durationNs")),
            required(values, "idle"),
            Integer.parseInt(required(values, "connectPort")),
            required(values, "runName"));
    }

    private static String required(final Map<String, String> values, final String key)
    {
        final String value = values.get(key);
        if (value == null)
        {
            throw new IllegalArgumentException("missing side argument: key=" + key);
        }
        return value;
    }

    /**
     * @return the arguments that {@link #fromArgs(String[])} reads back.
     */
    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        args.add("scenario=" + scenario.cliName());
        args.add("contender=" + contender.cliName());
        args.add("role=" + (initiator ? "initiator" : "responder"));
        args.add("sizeBytes=" + sizeBytes);
        args.add("ratePerSec=" + ratePerSec);
        args.add("warmupNs=" + warmupNs);
        args.add("durationNs=" + durationNs);
        args.add("idle=" + idle);
        args.add("connectPort=" + connectPort);
        args.add("runName=" + runName);
        return args;
    }

    /**
     * @param role true for the initiator.
     * @param port the responder's port for the initiator to connect to; 0 for the responder.
     * @return a copy for the given role.
     */
    public Workload forRole(final boolean role, final int port)
    {
        return new Workload(
            scenario, contender, role, sizeBytes, ratePerSec, warmupNs, durationNs, idle, port, runName);
    }

    /**
     * @param name unique to one run of one contender: letters, digits and '-' only.
     * @return a copy with the name that both sides use to find what the responder creates.
     * @throws IllegalArgumentException when the name has other characters.
     */
    public Workload withRunName(final String name)
    {
        if (!name.matches("[A-Za-z0-9-]+"))
        {
            throw new IllegalArgumentException("invalid run name: runName=" + name);
        }
        return new Workload(
            scenario, contender, initiator, sizeBytes, ratePerSec, warmupNs, durationNs, idle, connectPort, name);
    }

    /**
     * @return the scenario.
     */
    public Scenario scenario()
    {
        return scenario;
    }

    /**
     * @return the system measured.
     */
    public Contender contender()
    {
        return contender;
    }

    /**
     * @return true for the side that connects.
     */
    public boolean isInitiator()
    {
        return initiator;
    }

    /**
     * @return bytes per message.
     */
    public int sizeBytes()
    {
        return sizeBytes;
    }

    /**
     * @return messages per second of a paced scenario, or 0.
     */
    public int ratePerSec()
    {
        return ratePerSec;
    }

    /**
     * @return the interval between scheduled sends of a paced scenario, in ns.
     */
    public long intervalNs()
    {
        return ratePerSec == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / ratePerSec;
    }

    /**
     * @return the warm-up, in ns.
     */
    public long warmupNs()
    {
        return warmupNs;
    }

    /**
     * @return the measurement, in ns.
     */
    public long durationNs()
    {
        return durationNs;
    }

    /**
     * @return the idle strategy name.
     */
    public String idle()
    {
        return idle;
    }

    /**
     * @return the name unique to this run that shared-memory sides meet on; empty when none was given.
     */
    public String runName()
    {
        return runName;
    }

    /**
     * @return the port to connect to, for the initiator.
     */
    public int connectPort()
    {
        return connectPort;
    }
}
