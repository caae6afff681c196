package io.conduit.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.conduit.Publication;

/**
 * Set-up the Conduit benchmarks share.
 */
final class Connections
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private Connections()
    {
    }

    /**
     * Wait until a publication has a subscriber, for at most 10 s.
     *
     * @param publication to wait for.
     * @param what        names it in the error.
     * @param waitStep    run between checks.
     * @throws IllegalStateException when it is not connected in time.
     */
    static void awaitConnected(final Publication publication, final String what, final Runnable waitStep)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("not connected in time: " + what);
            }
            waitStep.run();
        }
    }
}
