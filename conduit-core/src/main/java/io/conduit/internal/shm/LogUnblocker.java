package io.conduit.internal.shm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.conduit.internal.shm.LogDescriptor.PADDED_BYTES_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.PADDED_GAPS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.PUBLISHER_SLOTS;
import static io.conduit.internal.shm.LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_OWNER_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_SESSION_ID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_STATE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STATE_ACTIVE;
import static io.conduit.internal.shm.LogDescriptor.STATE_FREE;

/**
 * Frees a log from a publisher that died between claiming space and committing it: when the claim covering a
 * stuck position belongs to a process that no longer runs, the rest of the claim becomes pad frames, which
 * readers skip (discarding the part of the message they had), and the gap is counted in the log header.
 * A publisher that is alive but stopped is waited for: its claim is never padded under it.
 */
final class LogUnblocker
{
    private static final Logger LOG = LoggerFactory.getLogger(LogUnblocker.class);

    private final LogBuffer log;
    private final SlotTable slots;
    private final String description;

    LogUnblocker(final LogBuffer log, final SlotTable slots, final String description)
    {
        this.log = log;
        this.slots = slots;
        this.description = description;
    }

    /**
     * @param stuckPosition where a reader has found no committed frame for a while, below the tail.
     * @return true when the claim there was padded.
     */
    boolean tryUnblock(final long stuckPosition)
    {
        int claimant = -1;
        long claimPosition = 0;
        long claimEnd = Long.MAX_VALUE;
        for (int i = 0; i < PUBLISHER_SLOTS; i++)
        {
            final int slot = LogDescriptor.publisherSlotOffset(i);
            if (log.longAcquire(slot + SLOT_STATE_OFFSET) != STATE_ACTIVE)
            {
                continue;
            }
            final long position = log.longAcquire(slot + SLOT_POSITION_OFFSET);
            final long length = log.longAcquire(slot + SLOT_CLAIM_LENGTH_OFFSET);
            if (position > stuckPosition || stuckPosition >= position + length)
            {
                continue;
            }
            if (slots.isOwnerAlive(slot))
            {
                return false;
            }
            if (claimant >= 0 && position + length != claimEnd)
            {
                // Two dead records of different spans: one publisher claimed, the other lost the race and died
                // in the instant before clearing its record. Padding either span could cover live frames.
                LOG.error("cannot tell which dead publisher claimed a stuck position: {}, position={}",
                    description, stuckPosition);
                return false;
            }
            claimant = slot;
            claimPosition = position;
            claimEnd = position + length;
        }
        if (claimant < 0)
        {
            return false;
        }
        final long owner = log.longAcquire(claimant + SLOT_OWNER_OFFSET);
        if (!log.compareAndSetLong(claimant + SLOT_STATE_OFFSET, STATE_ACTIVE, STATE_FREE))
        {
            return false;
        }
        pad(stuckPosition, claimEnd, (int)log.longAcquire(claimant + SLOT_SESSION_ID_OFFSET));
        log.compareAndSetLong(claimant + SLOT_OWNER_OFFSET, owner, 0);
        log.addToCounter(PADDED_GAPS_OFFSET, 1);
        log.addToCounter(PADDED_BYTES_OFFSET, claimEnd - stuckPosition);
        LOG.warn("padded the claim of a dead publisher: {}, position={}, claimPosition={}, bytes={}", description,
            stuckPosition, claimPosition, claimEnd - stuckPosition);
        return true;
    }

    private void pad(final long from, final long to, final int sessionId)
    {
        final int capacity = log.capacity();
        final int streamId = log.streamId();
        // Pad from the end backwards so that a reader sees the first pad only when the whole span is padded.
        long end = to;
        while (end > from)
        {
            final long ringStart = end - 1 - ((end - 1) & (capacity - 1));
            final long start = Math.max(from, ringStart);
            log.writePad(log.indexOf(start), (int)(end - start), streamId, sessionId);
            end = start;
        }
    }
}
