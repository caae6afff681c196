package io.conduit.rpc.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names daemon threads {@code prefix-N}, so that RPC never keeps a JVM alive.
 */
final class DaemonThreads
{
    private DaemonThreads()
    {
    }

    static ThreadFactory factory(final String prefix)
    {
        final AtomicInteger count = new AtomicInteger();
        return runnable ->
        {
            final Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
