package io.conduit.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * CPU time used by this process, all threads together.
 */
final class ProcessCpu
{
    private ProcessCpu()
    {
    }

    /**
     * @return CPU time used by this process so far, in nanoseconds, or 0 when the platform does not tell.
     */
    static long processCpuNs()
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            final long cpuNs = ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime();
            if (cpuNs >= 0)
            {
                return cpuNs;
            }
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
