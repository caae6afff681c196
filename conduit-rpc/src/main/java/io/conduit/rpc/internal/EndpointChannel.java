package io.conduit.rpc.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.conduit.Endpoint;

/**
 * A client's link to one endpoint: its current connection, connecting in the background and again after a drop,
 * with exponential back-off and jitter between failed attempts, and the count of calls outstanding on it.
 */
final class EndpointChannel
{
    private final ClientRuntime runtime;
    private final Endpoint endpoint;
    private final long backoffMinNs;
    private final long backoffMaxNs;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile RpcConnection connection;
    private CompletableFuture<RpcConnection> connecting;
    private long backoffNs;
    private long nextAttemptNs;

    EndpointChannel(final ClientRuntime runtime, final Endpoint endpoint, final long backoffMinMs, final long backoffMaxMs)
    {
        this.runtime = runtime;
        this.endpoint = endpoint;
        this.backoffMinNs = TimeUnit.MILLISECONDS.toNanos(backoffMinMs);
        this.backoffMaxNs = TimeUnit.MILLISECONDS.toNanos(backoffMaxMs);
        this.backoffNs = backoffMinNs;
    }

    Endpoint endpoint()
    {
        return endpoint;
    }

    AtomicInteger outstanding()
    {
        return outstanding;
    }

    /**
     * @return the connection when it is open, else null.
     */
    RpcConnection readyConnection()
    {
        final RpcConnection current = connection;
        return current != null && current.isOpen() ? current : null;
    }

    /**
     * @return true when no connection is open and the back-off after the last failure has not passed.
     */
    synchronized boolean isBackingOff()
    {
        return readyConnection() == null && connecting == null && System.nanoTime() - nextAttemptNs < 0;
    }

    /**
     * @return the open connection, the attempt under way, a new attempt, or null while backing off.
     */
    synchronized CompletableFuture<RpcConnection> connect()
    {
        final RpcConnection ready = readyConnection();
        if (ready != null)
        {
            return CompletableFuture.completedFuture(ready);
        }
        if (connecting != null)
        {
            return connecting;
        }
        if (System.nanoTime() - nextAttemptNs < 0 || runtime.isClosed())
        {
            return null;
        }
        final CompletableFuture<RpcConnection> attempt = runtime.openConnection(this);
        connecting = attempt;
        attempt.whenComplete(this::connected);
        return attempt;
    }

    private void connected(final RpcConnection opened, final Throwable error)
    {
        final long delayNs;
        synchronized (this)
        {
            connecting = null;
            if (error == null && runtime.isClosed())
            {
                opened.close();
                return;
            }
            if (error == null)
            {
                connection = opened;
                backoffNs = backoffMinNs;
                return;
            }
            delayNs = nextBackoffNs();
        }
        runtime.schedule(this::reconnect, delayNs);
    }

    /**
     * The connection closed: forget it and reconnect after the shortest back-off.
     *
     * @return true when it was this channel's connection.
     */
    boolean onClosed(final RpcConnection closed)
    {
        synchronized (this)
        {
            if (connection != closed)
            {
                return false;
            }
            connection = null;
            nextAttemptNs = System.nanoTime() + backoffMinNs;
        }
        runtime.schedule(this::reconnect, backoffMinNs);
        return true;
    }

    private void reconnect()
    {
        if (!runtime.isClosed())
        {
            connect();
        }
    }

    private long nextBackoffNs()
    {
        final long jitter = backoffNs / 5;
        final long delayNs = backoffNs + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter) : 0);
        nextAttemptNs = System.nanoTime() + delayNs;
        backoffNs = Math.min(backoffMaxNs, backoffNs * 2);
        return delayNs;
    }

    void close()
    {
        final RpcConnection current;
        synchronized (this)
        {
            current = connection;
            connection = null;
        }
        if (current != null)
        {
            current.close();
        }
    }

    @Override
    public String toString()
    {
        return endpoint.toString();
    }
}
