package io.conduit.internal.shm;

import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;
import io.conduit.internal.AbstractSubscription;

/**
 * A subscription reading a shared-memory log from its own position. It holds publishers back until it has read,
 * as long as its process heartbeats; one that was judged dead and comes back rejoins at the tail and counts an
 * eviction.
 */
final class ShmSubscription extends AbstractSubscription
{
    /** Heartbeat from the polling thread every this many polls plus one. */
    private static final int HEARTBEAT_POLL_MASK = 0xFF;

    private final ShmTransport transport;
    private final Endpoint endpoint;
    private final MappedLog log;
    private final int slot;
    private final long owner;
    private final LogReader reader;
    private final IdleStrategy idleStrategy;
    private final StuckReadWatch stuckReadWatch;
    private long polls;
    private long lastHeartbeatMs;
    private long nextCleanPosition;

    ShmSubscription(
        final ShmTransport transport,
        final Endpoint endpoint,
        final int streamId,
        final int maxMessageLength,
        final IdleStrategy idleStrategy,
        final MappedLog log,
        final int slot,
        final long owner,
        final long position)
    {
        super(streamId);
        this.transport = transport;
        this.endpoint = endpoint;
        this.log = log;
        this.slot = slot;
        this.owner = owner;
        this.idleStrategy = idleStrategy;
        this.reader = new LogReader(log.buffer(), slot, position, maxMessageLength, counters, "file=" + log.path());
        this.stuckReadWatch = new StuckReadWatch(log.buffer(), slot, log.unblocker());
    }

    MappedLog log()
    {
        return log;
    }

    int slot()
    {
        return slot;
    }

    long owner()
    {
        return owner;
    }

    @Override
    public Endpoint endpoint()
    {
        return endpoint;
    }

    @Override
    public boolean isConnected()
    {
        return !isClosed() && log.slots().hasResponsivePublisher(System.currentTimeMillis());
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit)
    {
        if ((++polls & HEARTBEAT_POLL_MASK) == 0)
        {
            heartbeat();
        }
        if (!reader.isActive() && !rejoin())
        {
            return 0;
        }
        try
        {
            final int delivered = reader.poll(handler, messageLimit);
            final long position = reader.position();
            if (position >= nextCleanPosition)
            {
                nextCleanPosition = log.cleaner().cleanBehind(position);
            }
            return delivered;
        }
        catch (final ConduitException ex)
        {
            if (ex.code() == ErrorCode.INVALID_LOG)
            {
                // A frame no publisher could have written: stop holding publishers back, report it once, and
                // carry on from the tail at the next poll.
                log.cleaner().stepAside(slot, owner);
            }
            throw ex;
        }
    }

    /**
     * A subscriber that polls is alive, whatever happens to the conductor thread that heartbeats for it: on a
     * starved CPU that thread can miss its turn for longer than the liveness timeout.
     */
    private void heartbeat()
    {
        final long nowMs = System.currentTimeMillis();
        if (nowMs != lastHeartbeatMs)
        {
            lastHeartbeatMs = nowMs;
            log.buffer().longOpaque(slot + LogDescriptor.SLOT_HEARTBEAT_OFFSET, nowMs);
        }
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        while (true)
        {
            final int delivered = doPoll(handler, messageLimit);
            if (delivered > 0 || isClosed() || System.nanoTime() - deadlineNs >= 0)
            {
                return delivered;
            }
            if (Thread.currentThread().isInterrupted())
            {
                return 0;
            }
            idleStrategy.idle();
        }
    }

    private boolean rejoin()
    {
        if (isClosed())
        {
            return false;
        }
        final long position = log.cleaner().join(slot, owner, System.currentTimeMillis());
        if (position < 0)
        {
            return false;
        }
        counters.increment(Counter.EVICTIONS);
        reader.rejoinedAt(position);
        transport.logEviction(this, position);
        return true;
    }

    /**
     * Called by the conductor: notice when this subscriber has waited too long at a claim nobody commits.
     *
     * @param nowMs             epoch time now.
     * @param livenessTimeoutMs how long a claim may stay uncommitted before its claimant's liveness is checked.
     */
    void checkStuck(final long nowMs, final long livenessTimeoutMs)
    {
        stuckReadWatch.check(nowMs, livenessTimeoutMs);
    }

    @Override
    protected void onClose()
    {
        transport.release(this);
    }
}
