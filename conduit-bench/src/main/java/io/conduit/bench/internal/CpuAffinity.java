package io.conduit.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pins side processes to CPUs with {@code taskset}, as far as the machine allows.
 */
public final class CpuAffinity
{
    private final boolean tasksetAvailable;
    private final List<Integer> allowedCpus;

    /**
     * @param tasksetAvailable true when {@code taskset} can be run.
     * @param allowedCpus      the CPUs this process may run on, in order.
     */
    public CpuAffinity(final boolean tasksetAvailable, final List<Integer> allowedCpus)
    {
        this.tasksetAvailable = tasksetAvailable;
        this.allowedCpus = List.copyOf(allowedCpus);
    }

    /**
     * @return the affinity of this machine: whether {@code taskset} is on the PATH and which CPUs are allowed.
     */
    public static CpuAffinity probe()
    {
        return new CpuAffinity(findOnPath("taskset"), readAllowedCpus());
    }

    /**
     * @return true when {@code taskset} can be run.
     */
    public boolean tasksetAvailable()
    {
        return tasksetAvailable;
    }

    /**
     * @return the CPUs this process may run on.
     */
    public List<Integer> allowedCpus()
    {
        return allowedCpus;
    }

    /**
     * @param pinning   requested.
     * @param initiator true for the initiator's process.
     * @return the CPU to pin that process to, or -1 for none.
     */
    public int cpuFor(final Pinning pinning, final boolean initiator)
    {
        switch (effective(pinning))
        {
            case SAME:
                return allowedCpus.get(0);
            case SPLIT:
                return initiator ? allowedCpus.get(0) : allowedCpus.get(1);
            default:
                return -1;
        }
    }

    /**
     * @param requested pinning.
     * @return what can be done here: {@link Pinning#NONE} without taskset, {@link Pinning#SAME} instead of split
     * with one allowed CPU.
     */
    public Pinning effective(final Pinning requested)
    {
        if (requested == Pinning.NONE || !tasksetAvailable || allowedCpus.isEmpty())
        {
            return Pinning.NONE;
        }
        if (requested == Pinning.SPLIT && allowedCpus.size() < 2)
        {
            return Pinning.SAME;
        }
        return requested;
    }

    /**
     * @param requested pinning.
     * @return how the processes are pinned, with the CPUs, and why it differs from the request if it does.
     */
    public String describe(final Pinning requested)
    {
        final Pinning effective = effective(requested);
        final String cpus = effective == Pinning.NONE ? "" :
            " (initiator CPU " + cpuFor(requested, true) + ", responder CPU " + cpuFor(requested, false) + ")";
        if (effective == requested)
        {
            return effective.cliName() + cpus;
        }
        final String why = !tasksetAvailable ? "taskset not found" :
            allowedCpus.size() < 2 ? "one CPU allowed" : "no CPU list";
        return effective.cliName() + cpus + " [requested " + requested.cliName() + ": " + why + "]";
    }

    /**
     * @param list such as {@code 0-3,6,8-9}, as in {@code /proc/self/status} Cpus_allowed_list.
     * @return the CPUs listed, in order.
     * @throws IllegalArgumentException when the list is malformed.
     */
    public static List<Integer> parseCpuList(final String list)
    {
        final List<Integer> cpus = new ArrayList<>();
        for (final String part : list.trim().split(","))
        {
            if (part.isEmpty())
            {
                continue;
            }
            final int dash = part.indexOf('-');
            try
            {
                if (dash < 0)
                {
                    cpus.add(Integer.parseInt(part));
                }
                else
                {
                    final int from = Integer.parseInt(part.substring(0, dash));
                    final int to = Integer.parseInt(part.substring(dash + 1));
                    for (int cpu = from; cpu <= to; cpu++)
                    {
                        cpus.add(cpu);
                    }
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("invalid CPU list: list=" + list, ex);
            }
        }
        return cpus;
    }

    private static List<Integer> readAllowedCpus()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    return parseCpuList(line.substring("Cpus_allowed_list:".length()));
                }
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            // Not Linux, or an unexpected format: fall back to counting processors.
        }
        final List<Integer> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++)
        {
            cpus.add(cpu);
        }
        return cpus;
    }

    private static boolean findOnPath(final String executable)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return false;
        }
        for (final String dir : path.split(java.io.File.pathSeparator))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable)))
            {
                return true;
            }
        }
        return false;
    }
}
