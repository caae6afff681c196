package io.conduit.internal.shm;

import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;

/**
 * Notices when a subscriber has waited too long at a claim nobody commits, and has the claim unblocked once its
 * claimant is found dead (see {@link LogUnblocker}). One per subscriber; the conductor calls it, from one thread.
 */
final class StuckReadWatch
{
    private final LogBuffer log;
    private final int slot;
    private final LogUnblocker unblocker;
    private long stuckPosition = -1;
    private long stuckSinceMs;

    /**
     * @param log       the subscriber reads.
     * @param slot      offset of the subscriber's slot.
     * @param unblocker of that log.
     */
    StuckReadWatch(final LogBuffer log, final int slot, final LogUnblocker unblocker)
    {
        this.log = log;
        this.slot = slot;
        this.unblocker = unblocker;
    }

    /**
     * @param nowMs             epoch time now.
     * @param livenessTimeoutMs how long a claim may stay uncommitted before its claimant's liveness is checked.
     */
    void check(final long nowMs, final long livenessTimeoutMs)
    {
        final long position = log.longAcquire(slot + SLOT_POSITION_OFFSET);
        if (log.frameLengthAcquire(log.indexOf(position)) != 0 || log.tailVolatile() <= position)
        {
            stuckPosition = -1;
            return;
        }
        if (position != stuckPosition)
        {
            stuckPosition = position;
            stuckSinceMs = nowMs;
        }
        else if (nowMs - stuckSinceMs >= livenessTimeoutMs && unblocker.tryUnblock(position))
        {
            stuckPosition = -1;
        }
    }
}
