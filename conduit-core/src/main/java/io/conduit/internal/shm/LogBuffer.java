package io.conduit.internal.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.shm.LogDescriptor.CAPACITY_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.CLEAN_LIMIT_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.CLEAN_LOCK_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.CREATED_MS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.CREATOR_PID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.DATA_OFFSET_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.MAGIC;
import static io.conduit.internal.shm.LogDescriptor.MAGIC_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.PUBLISHER_SLOTS;
import static io.conduit.internal.shm.LogDescriptor.PUBLISHER_SLOTS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STREAM_ID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SUBSCRIBER_SLOTS;
import static io.conduit.internal.shm.LogDescriptor.SUBSCRIBER_SLOTS_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.TAIL_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.VERSION_OFFSET;

/**
 * Typed, ordered access to a log laid out as {@link LogDescriptor} describes, over any little-endian direct
 * buffer: a mapped file in production, a plain direct buffer in concurrency tests. Every cross-process field is
 * read and written through VarHandles with the ordering its protocol needs.
 */
public final class LogBuffer
{
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] ZEROS = new byte[4 * 1024];

    private final ByteBuffer buffer;
    private final int dataOffset;
    private final int capacity;
    private final int mask;

    /**
     * @param buffer holding an initialised log, from index 0.
     */
    public LogBuffer(final ByteBuffer buffer)
    {
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.dataOffset = this.buffer.getInt(DATA_OFFSET_OFFSET);
        this.capacity = this.buffer.getInt(CAPACITY_OFFSET);
        this.mask = capacity - 1;
    }

    /**
     * @param capacity of the data ring.
     * @return the bytes a log of that capacity takes.
     */
    public static long fileLength(final int capacity)
    {
        return (long)LogDescriptor.dataOffset() + capacity;
    }

    /**
     * Write the header of a new, zeroed log. The data ring starts clean up to one capacity ahead.
     *
     * @param buffer     zeroed, at least {@link #fileLength(int)} long.
     * @param capacity   of the data ring.
     * @param streamId   of the log.
     * @param creatorPid of the creating process.
     */
    public static void initialise(final ByteBuffer buffer, final int capacity, final int streamId, final long creatorPid)
    {
        final ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(VERSION_OFFSET, LogDescriptor.LAYOUT_VERSION);
        le.putInt(DATA_OFFSET_OFFSET, LogDescriptor.dataOffset());
        le.putInt(CAPACITY_OFFSET, capacity);
        le.putInt(PUBLISHER_SLOTS_OFFSET, PUBLISHER_SLOTS);
        le.putInt(SUBSCRIBER_SLOTS_OFFSET, SUBSCRIBER_SLOTS);
        le.putInt(STREAM_ID_OFFSET, streamId);
        le.putLong(CREATED_MS_OFFSET, System.currentTimeMillis());
        le.putLong(CREATOR_PID_OFFSET, creatorPid);
        LONGS.setRelease(le, CLEAN_LIMIT_OFFSET, (long)capacity);
        // The magic goes last: a reader that sees it sees a whole header.
        LONGS.setRelease(le, MAGIC_OFFSET, MAGIC);
    }

    /**
     * @return the buffer over the whole log, little-endian.
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return bytes in the data ring.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the offset of the data ring in the buffer.
     */
    public int dataOffset()
    {
        return dataOffset;
    }

    /**
     * @param position in the log.
     * @return the buffer index of that position's place in the ring.
     */
    public int indexOf(final long position)
    {
        return dataOffset + ((int)position & mask);
    }

    /**
     * @return the stream id the log was created for.
     */
    public int streamId()
    {
        return buffer.getInt(STREAM_ID_OFFSET);
    }

    /**
     * @return the next position to claim.
     */
    public long tailVolatile()
    {
        return (long)LONGS.getVolatile(buffer, TAIL_OFFSET);
    }

    /**
     * @param expected tail.
     * @param update   new tail.
     * @return the tail found: {@code expected} when the tail moved to {@code update}.
     */
    public long compareAndExchangeTail(final long expected, final long update)
    {
        return (long)LONGS.compareAndExchange(buffer, TAIL_OFFSET, expected, update);
    }

    /**
     * @return the position up to which the ring is zeroed and may be claimed.
     */
    public long cleanLimitAcquire()
    {
        return (long)LONGS.getAcquire(buffer, CLEAN_LIMIT_OFFSET);
    }

    /**
     * @param limit the new clean limit, after the space before it was zeroed.
     */
    public void cleanLimitRelease(final long limit)
    {
        LONGS.setRelease(buffer, CLEAN_LIMIT_OFFSET, limit);
    }

    /**
     * @param token of the would-be holder; not 0.
     * @return true when the clean lock was free and is now held by {@code token}.
     */
    public boolean tryLockClean(final long token)
    {
        return LONGS.compareAndSet(buffer, CLEAN_LOCK_OFFSET, 0L, token);
    }

    /**
     * @param holder token believed to hold the lock, typically of a dead process.
     * @param token  of the new holder.
     * @return true when the lock moved from {@code holder} to {@code token}.
     */
    public boolean stealCleanLock(final long holder, final long token)
    {
        return LONGS.compareAndSet(buffer, CLEAN_LOCK_OFFSET, holder, token);
    }

    /**
     * @return the token holding the clean lock, or 0.
     */
    public long cleanLockHolder()
    {
        return (long)LONGS.getVolatile(buffer, CLEAN_LOCK_OFFSET);
    }

    /**
     * @param token that holds the clean lock.
     */
    public void unlockClean(final long token)
    {
        LONGS.compareAndSet(buffer, CLEAN_LOCK_OFFSET, token, 0L);
    }

    /**
     * @param offset of a shared counter in the header.
     * @param delta  to add.
     */
    public void addToCounter(final int offset, final long delta)
    {
        LONGS.getAndAdd(buffer, offset, delta);
    }

    /**
     * @param offset of a long field.
     * @return its value, read with acquire semantics.
     */
    public long longAcquire(final int offset)
    {
        return (long)LONGS.getAcquire(buffer, offset);
    }

    /**
     * @param offset of a long field.
     * @return its value, read without ordering beyond atomicity.
     */
    public long longOpaque(final int offset)
    {
        return (long)LONGS.getOpaque(buffer, offset);
    }

    /**
     * @param offset of a long field.
     * @param value  to store with release semantics.
     */
    public void longRelease(final int offset, final long value)
    {
        LONGS.setRelease(buffer, offset, value);
    }

    /**
     * @param offset of a long field written only by this thread.
     * @param value  to store atomically, without ordering.
     */
    public void longOpaque(final int offset, final long value)
    {
        LONGS.setOpaque(buffer, offset, value);
    }

    /**
     * @param offset   of a long field.
     * @param expected value.
     * @param update   new value.
     * @return true when it changed.
     */
    public boolean compareAndSetLong(final int offset, final long expected, final long update)
    {
        return LONGS.compareAndSet(buffer, offset, expected, update);
    }

    /**
     * @param index of a frame in the buffer.
     * @return its first eight bytes, read with acquire semantics: the length in the low half (0 until
     * committed), then the version, flags and type (see {@link #frameLength(long)} and
     * {@link #frameType(long)}), so that a reader learns a frame's length, type and flags from one read.
     */
    public long frameHeadAcquire(final int index)
    {
        return (long)LONGS.getAcquire(buffer, index);
    }

    /**
     * @param frameHead as {@link #frameHeadAcquire} read it.
     * @return the frame's length.
     */
    public static int frameLength(final long frameHead)
    {
        return (int)frameHead;
    }

    /**
     * @param frameHead as {@link #frameHeadAcquire} read it.
     * @return the frame's type.
     */
    public static int frameType(final long frameHead)
    {
        return (int)(frameHead >>> 48);
    }

    /**
     * @param frameHead as {@link #frameHeadAcquire} read it.
     * @return the frame's flags.
     */
    public static byte frameFlags(final long frameHead)
    {
        return (byte)(frameHead >>> 40);
    }

    /**
     * @param index of a frame in the buffer.
     * @return its length: 0 until committed.
     */
    public int frameLengthAcquire(final int index)
    {
        return (int)INTS.getAcquire(buffer, index);
    }

    /**
     * Commit a frame whose other fields are written.
     *
     * @param index  of the frame in the buffer.
     * @param length of the frame, unpadded.
     */
    public void frameLengthRelease(final int index, final int length)
    {
        INTS.setRelease(buffer, index, length);
    }

    /**
     * Write and commit a pad frame.
     *
     * @param index     of the frame in the buffer.
     * @param length    of the pad, aligned.
     * @param streamId  of the log.
     * @param sessionId of the publisher that claimed the space.
     */
    public void writePad(final int index, final int length, final int streamId, final int sessionId)
    {
        FrameDescriptor.writeHeader(buffer, index, (byte)0, FrameDescriptor.TYPE_PAD, streamId, sessionId, 0, 0);
        frameLengthRelease(index, length);
    }

    /**
     * Zero the ring space of the positions in {@code [from, to)}; the caller holds the clean lock and every live
     * subscriber has read those places' previous contents.
     *
     * @param from first position, aligned.
     * @param to   end position, at most one capacity after {@code from}.
     */
    public void zero(final long from, final long to)
    {
        long position = from;
        while (position < to)
        {
            final int ringOffset = (int)position & mask;
            final int chunk = (int)Math.min(Math.min(to - position, capacity - ringOffset), ZEROS.length);
            buffer.put(dataOffset + ringOffset, ZEROS, 0, chunk);
            position += chunk;
        }
    }
}
