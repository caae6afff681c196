package io.conduit.internal.shm;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.conduit.internal.shm.LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_HEARTBEAT_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_MESSAGES_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PROCESS_START_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_SESSION_ID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_STATE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_TROUBLE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STATE_ACTIVE;
import static io.conduit.internal.shm.LogDescriptor.STATE_EVICTED;
import static io.conduit.internal.shm.LogDescriptor.STATE_FREE;

/**
 * What a log looks like right now, read from another process without disturbing it (the file is mapped
 * read-only): positions, counters, and who uses it.
 *
 * @param path          of the log file.
 * @param streamId      of the log.
 * @param capacity      of its data ring.
 * @param tail          next position to claim.
 * @param cleanLimit    how far publishers may claim.
 * @param subscribers   active subscribers.
 * @param paddedGaps    claims of dead publishers padded over.
 * @param paddedBytes   bytes in those claims.
 * @param evictions     subscribers evicted as dead.
 * @param participants  every slot in use.
 */
public record LogSnapshot(
    Path path,
    int streamId,
    int capacity,
    long tail,
    long cleanLimit,
    long subscribers,
    long paddedGaps,
    long paddedBytes,
    long evictions,
    List<Participant> participants)
{
    /**
     * One publisher or subscriber of a log.
     *
     * @param role          "publisher" or "subscriber".
     * @param state         "active" or "evicted".
     * @param pid           of its process.
     * @param alive         whether that process runs.
     * @param heartbeatAgeMs since its last heartbeat.
     * @param sessionId     of a publisher; 0 for a subscriber.
     * @param position      a publisher's claim end or a subscriber's next read.
     * @param messages      sent or received.
     * @param backPressured offers refused as back-pressured (publisher), or bytes skipped after evictions
     *                      (subscriber).
     */
    public record Participant(
        String role,
        String state,
        long pid,
        boolean alive,
        long heartbeatAgeMs,
        int sessionId,
        long position,
        long messages,
        long backPressured)
    {
    }

    /**
     * @param path of a log file.
     * @return its snapshot.
     * @throws IOException when it cannot be read.
     * @throws io.conduit.ConduitException when it is not a log this version reads.
     */
    public static LogSnapshot read(final Path path) throws IOException
    {
        final long length = LogFiles.validate(path);
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        }
        final LogBuffer log = new LogBuffer(mapped);
        final long nowMs = System.currentTimeMillis();
        final List<Participant> participants = new ArrayList<>();
        for (int i = 0; i < LogDescriptor.PUBLISHER_SLOTS; i++)
        {
            addIfUsed(participants, log, LogDescriptor.publisherSlotOffset(i), "publisher", nowMs);
        }
        for (int i = 0; i < LogDescriptor.SUBSCRIBER_SLOTS; i++)
        {
            addIfUsed(participants, log, LogDescriptor.subscriberSlotOffset(i), "subscriber", nowMs);
        }
        return new LogSnapshot(path, log.streamId(), log.capacity(), log.tailVolatile(), log.cleanLimitAcquire(),
            log.longAcquire(LogDescriptor.SUBSCRIBERS_OFFSET), log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET),
            log.longAcquire(LogDescriptor.PADDED_BYTES_OFFSET), log.longAcquire(LogDescriptor.EVICTIONS_OFFSET),
            participants);
    }

    private static void addIfUsed(
        final List<Participant> participants, final LogBuffer log, final int slot, final String role, final long nowMs)
    {
        final long state = log.longAcquire(slot + SLOT_STATE_OFFSET);
        if (state == STATE_FREE)
        {
            return;
        }
        final long pid = log.longAcquire(slot + SLOT_PID_OFFSET);
        final boolean publisher = "publisher".equals(role);
        final long position = publisher ?
            log.longAcquire(slot + SLOT_POSITION_OFFSET) + log.longAcquire(slot + SLOT_CLAIM_LENGTH_OFFSET) :
            log.longAcquire(slot + SLOT_POSITION_OFFSET);
        participants.add(new Participant(
            role,
            state == STATE_ACTIVE ? "active" : state == STATE_EVICTED ? "evicted" : "unknown(" + state + ")",
            pid,
            ProcessLiveness.isAlive(pid, log.longAcquire(slot + SLOT_PROCESS_START_OFFSET)),
            nowMs - log.longAcquire(slot + SLOT_HEARTBEAT_OFFSET),
            publisher ? (int)log.longAcquire(slot + SLOT_SESSION_ID_OFFSET) : 0,
            Math.max(0, position),
            log.longAcquire(slot + SLOT_MESSAGES_OFFSET),
            log.longAcquire(slot + SLOT_TROUBLE_OFFSET)));
    }
}
