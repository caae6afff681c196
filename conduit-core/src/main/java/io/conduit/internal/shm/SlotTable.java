package io.conduit.internal.shm;

import static io.conduit.internal.shm.LogDescriptor.PUBLISHER_SLOTS;
import static io.conduit.internal.shm.LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_HEARTBEAT_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_MESSAGES_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_OWNER_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PROCESS_START_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_SESSION_ID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_STATE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_TROUBLE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STATE_ACTIVE;
import static io.conduit.internal.shm.LogDescriptor.STATE_EVICTED;
import static io.conduit.internal.shm.LogDescriptor.STATE_FREE;
import static io.conduit.internal.shm.LogDescriptor.SUBSCRIBER_SLOTS;

/**
 * The publisher and subscriber slots of a log: who takes which, and whether a slot's owner still lives.
 * Taking and giving back slots happens under the log directory's lock (see {@link LogFiles}), so two processes
 * never take the same slot.
 */
final class SlotTable
{
    private final LogBuffer log;
    private final long livenessTimeoutMs;

    SlotTable(final LogBuffer log, final long livenessTimeoutMs)
    {
        this.log = log;
        this.livenessTimeoutMs = livenessTimeoutMs;
    }

    /**
     * Take a publisher slot: a free one, or one whose process died after its last claim was resolved.
     *
     * @param owner token of the new owner, unique to it.
     * @return the slot's offset, or -1 when every slot is in use.
     */
    int takePublisherSlot(final long owner)
    {
        for (int i = 0; i < PUBLISHER_SLOTS; i++)
        {
            final int slot = LogDescriptor.publisherSlotOffset(i);
            final long state = log.longAcquire(slot + SLOT_STATE_OFFSET);
            if (state == STATE_FREE || (!isOwnerAlive(slot) && isClaimResolved(slot)))
            {
                claimSlot(slot, owner);
                log.longRelease(slot + SLOT_POSITION_OFFSET, -1);
                log.longRelease(slot + SLOT_CLAIM_LENGTH_OFFSET, 0);
                log.longRelease(slot + SLOT_SESSION_ID_OFFSET, 0);
                log.longRelease(slot + SLOT_STATE_OFFSET, STATE_ACTIVE);
                return slot;
            }
        }
        return -1;
    }

    /**
     * Take a subscriber slot: a free one, or an evicted one whose process died. It becomes active when the
     * subscriber joins (see {@link LogCleaner#join}).
     *
     * @param owner token of the new owner, unique to it.
     * @return the slot's offset, or -1 when every slot is in use.
     */
    int takeSubscriberSlot(final long owner)
    {
        for (int i = 0; i < SUBSCRIBER_SLOTS; i++)
        {
            final int slot = LogDescriptor.subscriberSlotOffset(i);
            final long state = log.longAcquire(slot + SLOT_STATE_OFFSET);
            if ((state == STATE_FREE && log.longAcquire(slot + SLOT_OWNER_OFFSET) == 0) ||
                (state == STATE_EVICTED && !isOwnerAlive(slot)))
            {
                log.longRelease(slot + SLOT_STATE_OFFSET, STATE_FREE);
                claimSlot(slot, owner);
                log.longRelease(slot + SLOT_TROUBLE_OFFSET, 0);
                return slot;
            }
        }
        return -1;
    }

    private void claimSlot(final int slot, final long owner)
    {
        log.longRelease(slot + SLOT_OWNER_OFFSET, owner);
        log.longRelease(slot + SLOT_PID_OFFSET, ProcessLiveness.currentPid());
        log.longRelease(slot + SLOT_PROCESS_START_OFFSET, ProcessLiveness.currentStartMs());
        log.longRelease(slot + SLOT_HEARTBEAT_OFFSET, System.currentTimeMillis());
        log.longRelease(slot + SLOT_MESSAGES_OFFSET, 0);
        log.longRelease(slot + SLOT_TROUBLE_OFFSET, 0);
    }

    /**
     * Give a publisher slot back.
     *
     * @param slot  offset of the slot.
     * @param owner token it was taken with.
     */
    void releasePublisherSlot(final int slot, final long owner)
    {
        if (log.compareAndSetLong(slot + SLOT_OWNER_OFFSET, owner, 0))
        {
            log.longRelease(slot + SLOT_STATE_OFFSET, STATE_FREE);
        }
    }

    /**
     * @param slot offset of a slot.
     * @return true while its owner's process runs; its heartbeat may still have stopped.
     */
    boolean isOwnerAlive(final int slot)
    {
        return ProcessLiveness.isAlive(
            log.longAcquire(slot + SLOT_PID_OFFSET), log.longAcquire(slot + SLOT_PROCESS_START_OFFSET));
    }

    /**
     * @param slot  offset of a slot.
     * @param nowMs epoch time now.
     * @return true while its owner's heartbeat is within the liveness timeout.
     */
    private boolean isHeartbeatFresh(final int slot, final long nowMs)
    {
        return nowMs - log.longAcquire(slot + SLOT_HEARTBEAT_OFFSET) <= livenessTimeoutMs;
    }

    /**
     * @param nowMs epoch time now.
     * @return true when some active subscriber's heartbeat is within the liveness timeout.
     */
    boolean hasResponsiveSubscriber(final long nowMs)
    {
        return hasResponsive(LogDescriptor.subscriberSlotOffset(0),
            log.longAcquire(LogDescriptor.SUBSCRIBER_SLOTS_USED_OFFSET), nowMs);
    }

    /**
     * @param nowMs epoch time now.
     * @return true when some active publisher's heartbeat is within the liveness timeout.
     */
    boolean hasResponsivePublisher(final long nowMs)
    {
        return hasResponsive(LogDescriptor.publisherSlotOffset(0), PUBLISHER_SLOTS, nowMs);
    }

    private boolean hasResponsive(final int firstSlot, final long slots, final long nowMs)
    {
        for (int i = 0; i < slots; i++)
        {
            final int slot = firstSlot + i * LogDescriptor.SLOT_LENGTH;
            if (log.longAcquire(slot + SLOT_STATE_OFFSET) == STATE_ACTIVE && isHeartbeatFresh(slot, nowMs))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether anyone still uses the log, judged by process alone: a process that is alive but stopped (its
     * heartbeat late) still has the log mapped and will carry on with it.
     *
     * @return true when some slot is owned by a process that runs.
     */
    boolean hasLiveOwner()
    {
        for (int i = 0; i < PUBLISHER_SLOTS + SUBSCRIBER_SLOTS; i++)
        {
            final int slot = i < PUBLISHER_SLOTS ?
                LogDescriptor.publisherSlotOffset(i) : LogDescriptor.subscriberSlotOffset(i - PUBLISHER_SLOTS);
            if (log.longAcquire(slot + SLOT_STATE_OFFSET) != STATE_FREE && isOwnerAlive(slot))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A dead publisher's claim is resolved once it was committed or padded, or nobody is left to read it.
     */
    private boolean isClaimResolved(final int slot)
    {
        final long position = log.longAcquire(slot + SLOT_POSITION_OFFSET);
        final long length = log.longAcquire(slot + SLOT_CLAIM_LENGTH_OFFSET);
        if (position < 0 || log.longAcquire(LogDescriptor.SUBSCRIBERS_OFFSET) == 0)
        {
            return true;
        }
        final long slotsUsed = log.longAcquire(LogDescriptor.SUBSCRIBER_SLOTS_USED_OFFSET);
        for (int i = 0; i < slotsUsed; i++)
        {
            final int subscriber = LogDescriptor.subscriberSlotOffset(i);
            if (log.longAcquire(subscriber + SLOT_STATE_OFFSET) == STATE_ACTIVE &&
                log.longAcquire(subscriber + SLOT_POSITION_OFFSET) < position + length)
            {
                return false;
            }
        }
        return true;
    }
}
