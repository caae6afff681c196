package io.conduit.internal.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the process behind a slot still runs. A process is named by its pid and start time, so a pid the
 * kernel has reused for another process does not count as the old one.
 */
final class ProcessLiveness
{
    /** Start times read by different processes may differ by clock-tick rounding. */
    private static final long START_TOLERANCE_MS = 1_000;

    private static final ProcessHandle CURRENT = ProcessHandle.current();
    private static final long CURRENT_PID = CURRENT.pid();
    private static final long CURRENT_START_MS = startMs(CURRENT);

    private ProcessLiveness()
    {
    }

    /**
     * @return this process's id.
     */
    static long currentPid()
    {
        return CURRENT_PID;
    }

    /**
     * @return this process's start time in epoch milliseconds, or 0 when the platform does not say.
     */
    static long currentStartMs()
    {
        return CURRENT_START_MS;
    }

    /**
     * @param pid     of the process.
     * @param startMs its start time as it recorded it, or 0 when unknown.
     * @return true while that process runs.
     */
    static boolean isAlive(final long pid, final long startMs)
    {
        if (pid == CURRENT_PID)
        {
            return startMs == CURRENT_START_MS;
        }
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid))
        {
            return false;
        }
        final long actualStartMs = startMs(handle.get());
        return startMs == 0 || actualStartMs == 0 || Math.abs(actualStartMs - startMs) <= START_TOLERANCE_MS;
    }

    /**
     * A killed process its parent has not reaped yet still has a pid, and {@link ProcessHandle#isAlive()} says
     * true; on Linux its state in {@code /proc/<pid>/stat} says it is a zombie.
     */
    private static boolean isZombie(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final int end = stat.lastIndexOf(')');
            final char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state == 'Z' || state == 'X';
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private static long startMs(final ProcessHandle handle)
    {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
