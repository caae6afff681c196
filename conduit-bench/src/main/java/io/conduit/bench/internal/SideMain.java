package io.conduit.bench.internal;

import java.util.concurrent.TimeUnit;

/**
 * Entry point of a side process: {@code SideMain key=value...} as made by {@link Workload#toArgs()}.
 * Exits 0 after a run, 1 when it failed, 2 on bad arguments, 3 when it overran its deadline.
 */
public final class SideMain
{
    /** Time beyond warm-up and measurement after which a side process halts itself. */
    static final long OVERRUN_MS = 120_000;
    private static final long RELEASE_TIMEOUT_MS = 30_000;

    private SideMain()
    {
    }

    /**
     * @param args {@code key=value} arguments.
     */
    public static void main(final String[] args)
    {
        final Workload workload;
        try
        {
            workload = Workload.fromArgs(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("conduit-bench side: " + ex.getMessage());
            System.exit(2);
            return;
        }
        startWatchdog(TimeUnit.NANOSECONDS.toMillis(workload.warmupNs() + workload.durationNs()) + OVERRUN_MS);
        final SideChannel channel = new SideChannel(System.out).start(System.in);
        int status = 0;
        try
        {
            final Side side = workload.contender().newSide(workload.scenario());
            if (workload.isInitiator())
            {
                side.runInitiator(workload, channel);
            }
            else
            {
                side.runResponder(workload, channel);
            }
        }
        catch (final Throwable ex)
        {
            System.err.println("conduit-bench side failed: contender=" + workload.contender().cliName() +
                ", role=" + (workload.isInitiator() ? "initiator" : "responder"));
            ex.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    /**
     * Hold a side's resources open until the harness has collected every result; called by sides when done.
     *
     * @param channel to the harness.
     * @throws InterruptedException when interrupted.
     */
    static void awaitRelease(final SideChannel channel) throws InterruptedException
    {
        channel.awaitRelease(RELEASE_TIMEOUT_MS);
    }

    private static void startWatchdog(final long deadlineMs)
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(deadlineMs);
                System.err.println("conduit-bench side overran its deadline: deadlineMs=" + deadlineMs);
                Runtime.getRuntime().halt(3);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, "conduit-bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
