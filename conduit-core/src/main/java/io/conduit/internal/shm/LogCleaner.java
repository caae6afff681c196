package io.conduit.internal.shm;

import io.conduit.ConduitException;
import io.conduit.ErrorCode;

import static io.conduit.internal.shm.LogDescriptor.EVICTIONS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.FRAME_ALIGNMENT;
import static io.conduit.internal.shm.LogDescriptor.SLOT_HEARTBEAT_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_OWNER_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PROCESS_START_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_STATE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STATE_ACTIVE;
import static io.conduit.internal.shm.LogDescriptor.STATE_EVICTED;
import static io.conduit.internal.shm.LogDescriptor.STATE_FREE;
import static io.conduit.internal.shm.LogDescriptor.SUBSCRIBERS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SUBSCRIBER_SLOTS_USED_OFFSET;

/**
 * The holder of a log's clean lock: zeroes ring space every live subscriber has read and moves the clean limit
 * on, evicts subscribers whose process died, and admits and removes subscribers. One process at a time
 * holds the lock; the lock of a process that died holding it is taken over.
 */
public final class LogCleaner
{
    /** Names this process as the lock holder: its pid and start time in seconds, so a reused pid is not it. */
    private static final long PROCESS_TOKEN =
        (ProcessLiveness.currentPid() << 32) | ((ProcessLiveness.currentStartMs() / 1000) & 0xFFFF_FFFFL);
    private static final int SPINS_BETWEEN_HOLDER_CHECKS = 10_000;
    private static final long LOCK_TIMEOUT_NS = 10_000_000_000L;
    private static final long CLEAN_CHUNK_MAX = 128 * 1024;

    private final LogBuffer log;
    private final long livenessTimeoutMs;
    private final long cleanChunk;

    /**
     * @param log               to clean.
     * @param livenessTimeoutMs after which a subscriber without a heartbeat has its process checked.
     */
    public LogCleaner(final LogBuffer log, final long livenessTimeoutMs)
    {
        this.log = log;
        this.livenessTimeoutMs = livenessTimeoutMs;
        // Clean a little at a time, so the space is still in cache when the publisher writes it.
        this.cleanChunk = Math.min(log.capacity() / 4, CLEAN_CHUNK_MAX);
    }

    /**
     * Try to make space for a claim without waiting: when no other thread is cleaning, evict dead subscribers,
     * then zero what every live subscriber has read, at least up to {@code requiredLimit} when possible.
     *
     * @param requiredLimit the clean limit the caller needs.
     * @return true when the clean limit now reaches {@code requiredLimit}.
     */
    public boolean tryClean(final long requiredLimit)
    {
        if (!tryLock())
        {
            return false;
        }
        try
        {
            return cleanLocked(requiredLimit, System.currentTimeMillis()) >= requiredLimit;
        }
        finally
        {
            log.unlockClean(PROCESS_TOKEN);
        }
    }

    /**
     * Called by a subscriber as it reads: once it has read a whole chunk past the space last cleaned, zero that
     * chunk while it is still in the subscriber's cache, so that publishers find clean space ahead and do not
     * stop to zero it on their offers. A subscriber ahead of a slower one cannot clean, so it does not try again
     * before reading another part of a chunk.
     *
     * @param position the subscriber has read up to.
     * @return the position at which the subscriber should call again.
     */
    public long cleanBehind(final long position)
    {
        final long limit = log.cleanLimitAcquire();
        final long readyAt = limit + cleanChunk - log.capacity();
        if (position < readyAt)
        {
            return readyAt;
        }
        if (tryClean(limit + cleanChunk))
        {
            return log.cleanLimitAcquire() + cleanChunk - log.capacity();
        }
        return position + cleanChunk / 4;
    }

    /**
     * @return the bytes zeroed at a time.
     */
    public long cleanChunk()
    {
        return cleanChunk;
    }

    /**
     * Zero a whole chunk ahead of the clean limit once every live subscriber has read it: cleaning in small
     * steps would cost a scan of the subscribers per offer while the log is full.
     */
    private long cleanLocked(final long requiredLimit, final long nowMs)
    {
        final long tail = log.tailVolatile();
        long minPosition = tail;
        final long slotsUsed = log.longAcquire(SUBSCRIBER_SLOTS_USED_OFFSET);
        for (int i = 0; i < slotsUsed; i++)
        {
            final int slot = LogDescriptor.subscriberSlotOffset(i);
            if (log.longAcquire(slot + SLOT_STATE_OFFSET) != STATE_ACTIVE)
            {
                continue;
            }
            if (isDead(slot, nowMs))
            {
                evict(slot);
                continue;
            }
            minPosition = Math.min(minPosition, log.longAcquire(slot + SLOT_POSITION_OFFSET));
        }
        final long limit = log.cleanLimitAcquire();
        final long target = Math.max(requiredLimit, limit + cleanChunk);
        if (minPosition + log.capacity() < target)
        {
            return limit;
        }
        log.zero(limit, target);
        log.cleanLimitRelease(target);
        return target;
    }

    /**
     * A subscriber is dead once its heartbeat is older than the liveness timeout and its process is gone. A process
     * that is alive but stopped (a debugger, SIGSTOP, a long pause) keeps holding publishers back: evicting it would
     * let them overwrite what it has not read yet.
     */
    private boolean isDead(final int slot, final long nowMs)
    {
        return nowMs - log.longAcquire(slot + SLOT_HEARTBEAT_OFFSET) > livenessTimeoutMs &&
            !ProcessLiveness.isAlive(log.longAcquire(slot + SLOT_PID_OFFSET),
                log.longAcquire(slot + SLOT_PROCESS_START_OFFSET));
    }

    private void evict(final int slot)
    {
        if (log.compareAndSetLong(slot + SLOT_STATE_OFFSET, STATE_ACTIVE, STATE_EVICTED))
        {
            log.addToCounter(SUBSCRIBERS_OFFSET, -1);
            log.addToCounter(EVICTIONS_OFFSET, 1);
        }
    }

    /**
     * Evict subscribers whose process died, if any, so they stop holding publishers back.
     *
     * @param nowMs epoch time now.
     * @return subscribers evicted.
     */
    public int evictStale(final long nowMs)
    {
        int stale = 0;
        final long slotsUsed = log.longAcquire(SUBSCRIBER_SLOTS_USED_OFFSET);
        for (int i = 0; i < slotsUsed; i++)
        {
            final int slot = LogDescriptor.subscriberSlotOffset(i);
            if (log.longAcquire(slot + SLOT_STATE_OFFSET) == STATE_ACTIVE && isDead(slot, nowMs))
            {
                stale++;
            }
        }
        if (stale == 0 || !tryLock())
        {
            return 0;
        }
        int evicted = 0;
        try
        {
            for (int i = 0; i < slotsUsed; i++)
            {
                final int slot = LogDescriptor.subscriberSlotOffset(i);
                if (log.longAcquire(slot + SLOT_STATE_OFFSET) == STATE_ACTIVE && isDead(slot, nowMs))
                {
                    evict(slot);
                    evicted++;
                }
            }
        }
        finally
        {
            log.unlockClean(PROCESS_TOKEN);
        }
        return evicted;
    }

    /**
     * Make a subscriber slot active at the tail, so the subscriber sees every message committed after it.
     *
     * @param slot  offset of the subscriber's slot, taken with {@code owner} (see {@link SlotTable}).
     * @param owner token the slot was taken with: a slot given up or taken over meanwhile is left alone.
     * @param nowMs epoch time now, the first heartbeat.
     * @return the position the subscriber starts from, or -1 when the slot is no longer the owner's.
     */
    public long join(final int slot, final long owner, final long nowMs)
    {
        lock();
        try
        {
            if (log.longAcquire(slot + SLOT_OWNER_OFFSET) != owner)
            {
                return -1;
            }
            final long position = log.tailVolatile();
            log.longRelease(slot + SLOT_HEARTBEAT_OFFSET, nowMs);
            log.longRelease(slot + SLOT_POSITION_OFFSET, position);
            log.longRelease(slot + SLOT_STATE_OFFSET, STATE_ACTIVE);
            log.addToCounter(SUBSCRIBERS_OFFSET, 1);
            final long slotsUsed = (slot - LogDescriptor.subscriberSlotOffset(0)) / LogDescriptor.SLOT_LENGTH + 1;
            if (log.longAcquire(SUBSCRIBER_SLOTS_USED_OFFSET) < slotsUsed)
            {
                log.longRelease(SUBSCRIBER_SLOTS_USED_OFFSET, slotsUsed);
            }
            return position;
        }
        finally
        {
            log.unlockClean(PROCESS_TOKEN);
        }
    }

    /**
     * Stop a subscriber holding publishers back while it keeps its slot, as if evicted: its next poll rejoins at
     * the tail.
     *
     * @param slot  offset of the subscriber's slot.
     * @param owner token the slot was taken with.
     */
    public void stepAside(final int slot, final long owner)
    {
        lock();
        try
        {
            if (log.longAcquire(slot + SLOT_OWNER_OFFSET) == owner)
            {
                evict(slot);
            }
        }
        finally
        {
            log.unlockClean(PROCESS_TOKEN);
        }
    }

    /**
     * Stop a subscriber holding publishers back; its slot becomes free.
     *
     * @param slot  offset of the subscriber's slot.
     * @param owner token the slot was taken with: a slot taken over by another subscriber is left alone.
     */
    public void leave(final int slot, final long owner)
    {
        lock();
        try
        {
            if (log.longAcquire(slot + SLOT_OWNER_OFFSET) != owner)
            {
                return;
            }
            if (log.compareAndSetLong(slot + SLOT_STATE_OFFSET, STATE_ACTIVE, STATE_FREE))
            {
                log.addToCounter(SUBSCRIBERS_OFFSET, -1);
            }
            else
            {
                log.longRelease(slot + SLOT_STATE_OFFSET, STATE_FREE);
            }
            log.longRelease(slot + SLOT_OWNER_OFFSET, 0);
        }
        finally
        {
            log.unlockClean(PROCESS_TOKEN);
        }
    }

    /**
     * @return the number of active subscribers.
     */
    public long subscribers()
    {
        return log.longAcquire(SUBSCRIBERS_OFFSET);
    }

    /**
     * @param claimEnd end position of a claim.
     * @return the smallest clean limit that lets a claim end there.
     */
    public static long requiredLimit(final long claimEnd)
    {
        return claimEnd + FRAME_ALIGNMENT;
    }

    private boolean tryLock()
    {
        if (log.tryLockClean(PROCESS_TOKEN))
        {
            return true;
        }
        final long holder = log.cleanLockHolder();
        return holder != 0 && holder != PROCESS_TOKEN && !isHolderAlive(holder) && steal(holder);
    }

    /**
     * Take the lock of a process that died holding it, and count the active subscribers again: it may have died
     * between changing a slot's state and the count.
     */
    private boolean steal(final long holder)
    {
        if (!log.stealCleanLock(holder, PROCESS_TOKEN))
        {
            return false;
        }
        long active = 0;
        final long slotsUsed = log.longAcquire(SUBSCRIBER_SLOTS_USED_OFFSET);
        for (int i = 0; i < slotsUsed; i++)
        {
            if (log.longAcquire(LogDescriptor.subscriberSlotOffset(i) + SLOT_STATE_OFFSET) == STATE_ACTIVE)
            {
                active++;
            }
        }
        log.longRelease(SUBSCRIBERS_OFFSET, active);
        return true;
    }

    private void lock()
    {
        final long deadlineNs = System.nanoTime() + LOCK_TIMEOUT_NS;
        int spins = 0;
        while (!log.tryLockClean(PROCESS_TOKEN))
        {
            if (++spins % SPINS_BETWEEN_HOLDER_CHECKS == 0)
            {
                final long holder = log.cleanLockHolder();
                if (holder != 0 && holder != PROCESS_TOKEN && !isHolderAlive(holder) && steal(holder))
                {
                    return;
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new ConduitException(ErrorCode.INVALID_LOG,
                        "shared-memory log lock held too long: holderPid=" + (holder >>> 32));
                }
                Thread.yield();
            }
            Thread.onSpinWait();
        }
    }

    private static boolean isHolderAlive(final long holder)
    {
        return ProcessLiveness.isAlive(holder >>> 32, (holder & 0xFFFF_FFFFL) * 1000);
    }
}
