package io.conduit.bench.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine a run was taken on, reported with every result.
 */
public final class MachineInfo
{
    private MachineInfo()
    {
    }

    /**
     * @return cores, CPU model, OS, JDK and the load average when the run started.
     */
    public static Map<String, Object> describe()
    {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        final double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        machine.put("loadAverage", load < 0 ? null : Math.round(load * 100) / 100.0);
        return machine;
    }

    /**
     * @param loadAverage of the machine, or null when unknown.
     * @param cores       of the machine.
     * @param spinners    threads of the run that spin on a CPU of their own.
     * @return a warning when other work leaves the run's spinning threads less than a CPU each, else null.
     */
    public static String busyWarning(final Double loadAverage, final int cores, final int spinners)
    {
        if (loadAverage == null || loadAverage + spinners <= cores + 0.5)
        {
            return null;
        }
        return "machine busy: loadAverage=" + loadAverage + ", cores=" + cores + " (before this run's " + spinners +
            " spinning threads): busy-spinning sides will be descheduled and their figures show the machine, " +
            "not the transport; compare only with --rounds, or rerun when idle";
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ignore)
        {
            // Not Linux: the architecture will have to do.
        }
        return System.getProperty("os.arch");
    }
}
