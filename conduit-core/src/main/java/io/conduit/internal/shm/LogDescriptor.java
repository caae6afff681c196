package io.conduit.internal.shm;

/**
 * Layout of a shared-memory log file: one per {@code shm:} endpoint and stream. Little-endian throughout; every
 * field another process updates sits on its own 128-byte line so that writers do not share cache lines.
 * <pre>
 *  +--------------------------------------------------------------+  0
 *  | Magic "CNDTSHM1" (8) | Layout Version (4) | Data Offset (4)   |
 *  | Capacity (4) | Publisher Slots (4) | Subscriber Slots (4)     |
 *  | Stream Id (4) | Created (epoch ms, 8) | Creator Pid (8)       |
 *  +--------------------------------------------------------------+  128
 *  | Tail: next position to claim (8)            publishers CAS   |
 *  +--------------------------------------------------------------+  256
 *  | Clean Limit (8) | Clean Lock (8) | Subscribers (8) | Slots Used (8)|
 *  +--------------------------------------------------------------+  384
 *  | Padded Gaps (8) | Padded Bytes (8) | Evictions (8)           |
 *  +--------------------------------------------------------------+  512
 *  | Publisher slot 0 .. PUBLISHER_SLOTS - 1        (128 bytes each)|
 *  +--------------------------------------------------------------+
 *  | Subscriber slot 0 .. SUBSCRIBER_SLOTS - 1      (128 bytes each)|
 *  +--------------------------------------------------------------+  Data Offset (page aligned)
 *  | Data: a ring of Capacity bytes (a power of 2) holding frames  |
 *  | in {@link io.conduit.internal.FrameDescriptor} format, each   |
 *  | starting on a {@link #FRAME_ALIGNMENT}-byte boundary          |
 *  +--------------------------------------------------------------+
 * </pre>
 * A slot, owned by one publication or subscription:
 * <pre>
 *  +--------------------------------------------------------------+  0
 *  | State (8): FREE, ACTIVE or EVICTED | Owner Token (8)          |
 *  | Pid (8) | Process Start (epoch ms, 8) | Heartbeat (epoch ms, 8)|
 *  | Position (8): subscriber - next to read; publisher - claim    |
 *  | Claim Length (8): publisher - bytes of its latest claim       |
 *  | Session Id (8) | Messages (8) | Back-pressured or Lost (8)    |
 *  +--------------------------------------------------------------+  128
 * </pre>
 * A subscriber writes its message count with its position at the end of each poll; a publisher's count is
 * copied to its slot with each heartbeat, so that offers store nothing they do not need.
 * <p>
 * Positions grow without bound; a position's place in the ring is {@code position & (capacity - 1)}.
 * <p>
 * <b>Claim and commit.</b> A publisher records the position and length it is about to claim in its slot, then
 * moves the tail by compare-and-set; the claim may not reach within one frame alignment of the clean limit.
 * It writes each frame's header and payload, and publishes the frame by storing its length last with release
 * semantics. A message that does not fit before the end of the ring is claimed together with a pad frame that
 * fills the end, so a message's fragments are always contiguous.
 * <p>
 * <b>Cleaning.</b> Everything from the tail to the clean limit is zero, so a reader that finds a zero length has
 * reached the end of what is committed. The clean limit never passes the slowest live subscriber plus the
 * capacity, which is what keeps publishers from overwriting unread frames. Whoever holds the clean lock zeroes
 * ring space that every live subscriber has read and moves the limit on; it also evicts subscribers whose
 * process died or whose heartbeat stopped. A subscriber joins under the same lock.
 * <p>
 * <b>Unblocking.</b> A publisher that dies between its claim and its commit leaves a zero length in the log.
 * When a subscriber has waited at such a frame for the liveness timeout and the slot whose claim covers it
 * belongs to a dead process, the claimed span is replaced by pad frames and counted.
 */
public final class LogDescriptor
{
    /** "CNDTSHM1" read as a little-endian long. */
    public static final long MAGIC = 0x314D485354444E43L;
    /** The layout this code writes and the only one it reads. */
    public static final int LAYOUT_VERSION = 1;

    /** Frames in the data ring start on this boundary. */
    public static final int FRAME_ALIGNMENT = 32;
    /** Distance between fields that different processes write. */
    public static final int LINE_LENGTH = 128;

    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the data offset. */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Offset of the capacity of the data ring. */
    public static final int CAPACITY_OFFSET = 16;
    /** Offset of the number of publisher slots. */
    public static final int PUBLISHER_SLOTS_OFFSET = 20;
    /** Offset of the number of subscriber slots. */
    public static final int SUBSCRIBER_SLOTS_OFFSET = 24;
    /** Offset of the stream id. */
    public static final int STREAM_ID_OFFSET = 28;
    /** Offset of the creation time. */
    public static final int CREATED_MS_OFFSET = 32;
    /** Offset of the pid of the creating process. */
    public static final int CREATOR_PID_OFFSET = 40;

    /** Offset of the tail position. */
    public static final int TAIL_OFFSET = LINE_LENGTH;
    /** Offset of the clean limit. */
    public static final int CLEAN_LIMIT_OFFSET = 2 * LINE_LENGTH;
    /** Offset of the clean lock: 0 when free, else the holder's owner token. */
    public static final int CLEAN_LOCK_OFFSET = CLEAN_LIMIT_OFFSET + 8;
    /** Offset of the number of active subscribers; changed under the clean lock. */
    public static final int SUBSCRIBERS_OFFSET = CLEAN_LIMIT_OFFSET + 16;
    /** Offset of how many subscriber slots, from the first, have ever been taken: scans stop there. */
    public static final int SUBSCRIBER_SLOTS_USED_OFFSET = CLEAN_LIMIT_OFFSET + 24;
    /** Offset of the count of gaps padded for dead publishers. */
    public static final int PADDED_GAPS_OFFSET = 3 * LINE_LENGTH;
    /** Offset of the bytes padded for dead publishers. */
    public static final int PADDED_BYTES_OFFSET = PADDED_GAPS_OFFSET + 8;
    /** Offset of the count of subscribers evicted as dead. */
    public static final int EVICTIONS_OFFSET = PADDED_GAPS_OFFSET + 16;
    /** Offset of the first publisher slot. */
    public static final int SLOTS_OFFSET = 4 * LINE_LENGTH;

    /** Publisher slots in each log. */
    public static final int PUBLISHER_SLOTS = 64;
    /** Subscriber slots in each log. */
    public static final int SUBSCRIBER_SLOTS = 64;
    /** Length of a slot. */
    public static final int SLOT_LENGTH = LINE_LENGTH;

    /** Offset in a slot of its state. */
    public static final int SLOT_STATE_OFFSET = 0;
    /** Offset in a slot of its owner's token. */
    public static final int SLOT_OWNER_OFFSET = 8;
    /** Offset in a slot of its owner's process id. */
    public static final int SLOT_PID_OFFSET = 16;
    /** Offset in a slot of its owner's process start time. */
    public static final int SLOT_PROCESS_START_OFFSET = 24;
    /** Offset in a slot of its owner's latest heartbeat. */
    public static final int SLOT_HEARTBEAT_OFFSET = 32;
    /** Offset in a slot of its position. */
    public static final int SLOT_POSITION_OFFSET = 40;
    /** Offset in a slot of its claim length. */
    public static final int SLOT_CLAIM_LENGTH_OFFSET = 48;
    /** Offset in a slot of its session id. */
    public static final int SLOT_SESSION_ID_OFFSET = 56;
    /** Offset in a slot of its message count. */
    public static final int SLOT_MESSAGES_OFFSET = 64;
    /** Offset in a slot of its back-pressure count (publisher) or lost byte count (subscriber). */
    public static final int SLOT_TROUBLE_OFFSET = 72;

    /** A slot nobody owns. */
    public static final long STATE_FREE = 0;
    /** A slot in use. */
    public static final long STATE_ACTIVE = 1;
    /** A subscriber slot whose owner was judged dead; it no longer holds publishers back. */
    public static final long STATE_EVICTED = 2;

    /** Smallest data ring. */
    public static final int MIN_CAPACITY = 64 * 1024;
    /** Largest data ring. */
    public static final int MAX_CAPACITY = 1 << 30;
    /** Alignment of the data ring within the file. */
    public static final int PAGE_LENGTH = 4096;

    private LogDescriptor()
    {
    }

    /**
     * @return offset of the data ring: after the slots, page aligned.
     */
    public static int dataOffset()
    {
        final int slotsEnd = SLOTS_OFFSET + (PUBLISHER_SLOTS + SUBSCRIBER_SLOTS) * SLOT_LENGTH;
        return (slotsEnd + PAGE_LENGTH - 1) & -PAGE_LENGTH;
    }

    /**
     * @param index of a publisher slot.
     * @return its offset in the file.
     */
    public static int publisherSlotOffset(final int index)
    {
        return SLOTS_OFFSET + index * SLOT_LENGTH;
    }

    /**
     * @param index of a subscriber slot.
     * @return its offset in the file.
     */
    public static int subscriberSlotOffset(final int index)
    {
        return SLOTS_OFFSET + (PUBLISHER_SLOTS + index) * SLOT_LENGTH;
    }

    /**
     * @param frameLength unpadded length of a frame.
     * @return the ring space it takes.
     */
    public static int alignedLength(final int frameLength)
    {
        return (frameLength + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }

    /**
     * @param capacity of the data ring.
     * @return true when it is a power of 2 within the allowed range.
     */
    public static boolean isValidCapacity(final long capacity)
    {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && Long.bitCount(capacity) == 1;
    }
}
