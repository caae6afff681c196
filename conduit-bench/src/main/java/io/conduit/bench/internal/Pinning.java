package io.conduit.bench.internal;

import java.util.Locale;

/**
 * How the two side processes of a run are pinned to CPUs.
 */
public enum Pinning
{
    /** Both processes on one CPU: no cross-CPU wake-ups, the fair way to compare latency on a small VM. */
    SAME,
    /** One process per CPU: each side has a CPU of its own, for throughput. */
    SPLIT,
    /** Unpinned: the scheduler decides. */
    NONE;

    /**
     * @return the name used on the command line.
     */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code same}, {@code split} or {@code none}.
     * @return the pinning.
     * @throws IllegalArgumentException naming the unknown pinning.
     */
    public static Pinning fromCliName(final String name)
    {
        for (final Pinning pinning : values())
        {
            if (pinning.cliName().equals(name))
            {
                return pinning;
            }
        }
        throw new IllegalArgumentException("unknown pinning: pin=" + name + " (expected same, split or none)");
    }
}
