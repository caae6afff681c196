package io.conduit.bench.internal;

import java.nio.file.Path;

import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * Entry point of the Aeron media driver process of an {@code aeron-ipc} run:
 * {@code AeronDriverMain <aeron-dir> <deadline-ms>}.
 * <p>
 * Set up as Aeron's authors run a driver beside ping and pong: its own process, {@link ThreadingMode#SHARED}
 * (one thread for conductor, sender and receiver) with Aeron's default back-off idle strategy, Aeron's defaults
 * for everything else. On {@code aeron:ipc} the driver is off the data path: it sets up the log buffers, tracks
 * positions and moves the publishers' flow-control limit. The directory is created afresh and deleted on exit.
 * <p>
 * Reports {@code ready=<dir>} on stdout and runs until the harness says {@code exit} (or closes stdin), or the
 * deadline passes. Exits 0, or 2 on bad arguments.
 */
public final class AeronDriverMain
{
    private AeronDriverMain()
    {
    }

    /**
     * @param args the Aeron directory and the deadline in ms.
     */
    public static void main(final String[] args)
    {
        if (args.length != 2)
        {
            System.err.println("usage: AeronDriverMain <aeron-dir> <deadline-ms>");
            System.exit(2);
            return;
        }
        final Path dir = Path.of(args[0]);
        final long deadlineMs = Long.parseLong(args[1]);
        final SideChannel channel = new SideChannel(System.out).start(System.in);
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                Configuration.IDLE_MAX_SPINS,
                Configuration.IDLE_MAX_YIELDS,
                Configuration.IDLE_MIN_PARK_NS,
                Configuration.IDLE_MAX_PARK_NS))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        try (MediaDriver ignore = MediaDriver.launch(context))
        {
            channel.announceReady(dir.toString());
            channel.awaitRelease(deadlineMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    /**
     * @return how the driver runs, for reports.
     */
    public static String describe()
    {
        return "media driver in its own process, unpinned, ThreadingMode.SHARED, BackoffIdleStrategy(spins=" +
            Configuration.IDLE_MAX_SPINS + ", yields=" + Configuration.IDLE_MAX_YIELDS + ", parkNs=" +
            Configuration.IDLE_MIN_PARK_NS + ".." + Configuration.IDLE_MAX_PARK_NS + "), directory " +
            ShmFiles.directory() + "/conduit-bench-<user>-<run>-aeron deleted after the run";
    }
}
