package io.conduit.internal.tcp;

import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import io.conduit.Endpoint;

/**
 * Keeps one connection to a listener open: connects, and after a failure or a lost connection reconnects after
 * an exponential back-off with jitter, until closed.
 */
final class TcpConnector
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnector.class);

    private final TcpTransport transport;
    private final Endpoint endpoint;
    private final TcpConnection.Role role;
    private final long minBackoffMs;
    private final long maxBackoffMs;
    private int attempts;
    private Channel channel;
    private boolean closed;
    private String lastFailure;

    TcpConnector(final TcpTransport transport, final Endpoint endpoint, final TcpConnection.Role role)
    {
        this.transport = transport;
        this.endpoint = endpoint;
        this.role = role;
        this.minBackoffMs = transport.context().reconnectBackoffMinMs();
        this.maxBackoffMs = transport.context().reconnectBackoffMaxMs();
    }

    synchronized void connect()
    {
        if (closed)
        {
            return;
        }
        final ChannelFuture future = transport.connect(endpoint, role);
        channel = future.channel();
        future.addListener(f ->
        {
            if (!f.isSuccess())
            {
                failed(TcpConnection.rootMessage(f.cause()), false);
            }
            else if (isConnectedToItself(future.channel()))
            {
                // Connecting to a free local port can pick that very port as our own and connect to ourselves
                // (TCP simultaneous open), which then keeps the listener we wait for from binding it.
                failed("connected to itself: address=" + future.channel().localAddress(), false);
                future.channel().close();
            }
        });
        channel.closeFuture().addListener(f -> reconnectLater());
    }

    private static boolean isConnectedToItself(final Channel channel)
    {
        return channel.localAddress() != null && channel.localAddress().equals(channel.remoteAddress());
    }

    /**
     * The connection did its job; the next failure starts the back-off from its minimum again.
     */
    synchronized void established()
    {
        attempts = 0;
        lastFailure = null;
    }

    /**
     * @return why the last attempt failed, or null.
     */
    synchronized String lastFailure()
    {
        return lastFailure;
    }

    /**
     * Record why an attempt failed. A listener that refused us is worth a warning, once per reason; a listener
     * that is not there yet is expected while peers start, and logged at debug level.
     *
     * @param reason  what went wrong.
     * @param refused true when the listener answered and refused.
     */
    synchronized void failed(final String reason, final boolean refused)
    {
        if (!reason.equals(lastFailure))
        {
            if (refused)
            {
                LOG.warn("connection refused by peer, will retry: endpoint={}, reason={}", endpoint, reason);
            }
            else
            {
                LOG.debug("connect failed, will retry: endpoint={}, reason={}", endpoint, reason);
            }
        }
        lastFailure = reason;
    }

    private synchronized void reconnectLater()
    {
        if (closed)
        {
            return;
        }
        final long delayMs = backoffDelayMs(attempts, minBackoffMs, maxBackoffMs, ThreadLocalRandom.current());
        attempts++;
        channel.eventLoop().schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Exponential back-off with "equal jitter": the ceiling doubles from {@code minMs} with each failed attempt up
     * to {@code maxMs}; the delay is half the ceiling plus a random part of the other half, so peers that lost a
     * listener together do not return in step.
     *
     * @param attempts failed attempts so far.
     * @param minMs    ceiling of the first delay.
     * @param maxMs    highest ceiling.
     * @param random   source of the jitter.
     * @return the delay before the next attempt, in {@code [ceiling / 2, ceiling]}.
     */
    static long backoffDelayMs(final int attempts, final long minMs, final long maxMs, final Random random)
    {
        final long ceilingMs = Math.min(maxMs, minMs << Math.min(attempts, 20));
        return ceilingMs / 2 + random.nextLong(ceilingMs / 2 + 1);
    }

    /**
     * Stop reconnecting and close the connection at once.
     */
    void close()
    {
        final Channel toClose = stopReconnecting();
        if (toClose != null)
        {
            toClose.close();
        }
    }

    /**
     * Stop reconnecting but leave an established connection to be closed gracefully by its owner.
     *
     * @return the current channel, or null.
     */
    synchronized Channel stopReconnecting()
    {
        closed = true;
        return channel;
    }

    static InetSocketAddress address(final Endpoint endpoint)
    {
        return new InetSocketAddress(endpoint.host(), endpoint.port());
    }
}
