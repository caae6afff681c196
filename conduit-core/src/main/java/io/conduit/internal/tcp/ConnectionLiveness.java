package io.conduit.internal.tcp;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Heartbeats and dead-peer detection for one connection. One task at a fixed rate compares the time of the last
 * read and of the last write with their limits: a connection that wrote nothing for the heartbeat interval sends a
 * heartbeat, and one that read nothing for the timeout is declared dead, unless it is the one not reading.
 * <p>
 * It replaces Netty's {@code IdleStateHandler}, which allocates on the steady path: to see writes complete it turns
 * every void write promise into a real one with a listener, and it schedules a new task for every check. It also
 * sees writes the offering thread makes straight to the socket, which never pass through the pipeline.
 */
final class ConnectionLiveness extends ChannelInboundHandlerAdapter
{
    /** Checks per heartbeat interval (or timeout, if shorter): how late a heartbeat or a verdict may be. */
    private static final int CHECKS_PER_PERIOD = 4;

    private final long intervalNs;
    private final long timeoutNs;
    private final long checkNs;
    private final Runnable onWriteIdle;
    private final Runnable onPeerSilent;
    private final BooleanSupplier readingPaused;
    private final LongSupplier clock;
    private final Runnable checkTask = this::check;
    private volatile long lastWriteNs;
    private volatile long lastReadNs;
    private ScheduledFuture<?> checks;

    /**
     * @param intervalMs    longest time without writing before a heartbeat goes out.
     * @param timeoutMs     longest time without reading before the peer is declared dead.
     * @param onWriteIdle   sends a heartbeat; runs on the event loop.
     * @param onPeerSilent  closes the connection; runs on the event loop.
     * @param readingPaused true while this side has stopped reading, when the peer's silence is not its fault.
     * @param clock         of the last read and write, and of the checks: {@link System#nanoTime()}, or a test's.
     */
    ConnectionLiveness(
        final long intervalMs,
        final long timeoutMs,
        final Runnable onWriteIdle,
        final Runnable onPeerSilent,
        final BooleanSupplier readingPaused,
        final LongSupplier clock)
    {
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.checkNs = Math.max(1, Math.min(intervalNs, timeoutNs) / CHECKS_PER_PERIOD);
        this.onWriteIdle = onWriteIdle;
        this.onPeerSilent = onPeerSilent;
        this.readingPaused = readingPaused;
        this.clock = clock;
    }

    /**
     * Record a write; any thread.
     *
     * @param nowNs the clock's time of the write.
     */
    void wrote(final long nowNs)
    {
        lastWriteNs = nowNs;
    }

    /**
     * Record a read made off the pipeline, by a poller; any thread.
     *
     * @param nowNs the clock's time of the read.
     */
    void read(final long nowNs)
    {
        lastReadNs = nowNs;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isActive())
        {
            start(ctx);
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        lastReadNs = clock.getAsLong();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        stop();
    }

    private void start(final ChannelHandlerContext ctx)
    {
        if (checks != null)
        {
            return;
        }
        final long nowNs = clock.getAsLong();
        lastReadNs = nowNs;
        lastWriteNs = nowNs;
        checks = ctx.executor().scheduleAtFixedRate(checkTask, checkNs, checkNs, TimeUnit.NANOSECONDS);
    }

    private void stop()
    {
        if (checks != null)
        {
            checks.cancel(false);
        }
    }

    /**
     * @return true while the fixed-rate checks are scheduled.
     */
    boolean isChecking()
    {
        return checks != null && !checks.isCancelled();
    }

    /**
     * One check, run by the fixed-rate task on the event loop (and directly by tests).
     */
    void check()
    {
        final long nowNs = clock.getAsLong();
        if (nowNs - lastWriteNs >= intervalNs)
        {
            // The heartbeat's own write moves lastWriteNs on; until it is flushed, do not send another.
            lastWriteNs = nowNs;
            onWriteIdle.run();
        }
        if (readingPaused.getAsBoolean())
        {
            // Not reading is this side's choice: the timeout starts again when it reads again.
            lastReadNs = nowNs;
        }
        else if (nowNs - lastReadNs >= timeoutNs)
        {
            stop();
            onPeerSilent.run();
        }
    }
}
