package io.conduit.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Turns Ctrl-C (or SIGTERM) into a request to stop, so a running command can still print its report: the shutdown
 * hook raises the flag, then holds the JVM up to {@value #GRACE_MS} ms until {@link #close()} says the report is
 * out. Close it when the command is done.
 */
final class StopSignal implements BooleanSupplier, AutoCloseable
{
    private static final long GRACE_MS = 3_000;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "conduit-stop");
    private volatile boolean stopRequested;

    /**
     * Register the shutdown hook.
     */
    StopSignal()
    {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onShutdown()
    {
        stopRequested = true;
        try
        {
            finished.await(GRACE_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return true once the process has been asked to stop.
     */
    @Override
    public boolean getAsBoolean()
    {
        return stopRequested;
    }

    /**
     * Let a pending shutdown proceed, or unregister the hook when there is none.
     */
    @Override
    public void close()
    {
        finished.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The hook is running: it returns now that the latch is open.
        }
    }
}
