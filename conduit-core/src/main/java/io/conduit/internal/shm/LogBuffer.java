package io.conduit.internal.shm;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.UnsafeAccess;
import sun.misc.Unsafe;

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
 * Typed, ordered access to a log laid out as {@link LogDescriptor} describes, over any direct buffer: a mapped
 * file in production, a plain direct buffer in concurrency tests. Every cross-process field is read and written
 * with the ordering its protocol needs.
 *
 * <p>Access is through {@link Unsafe} at the buffer's address, without the bounds, alignment and scope checks
 * that {@link ByteBuffer} and its VarHandles make on every access: about a dozen of them per message on the offer
 * and poll paths. The bounds are checked where they can be broken instead: here, that the buffer holds the whole
 * log; in {@link #indexOf(long)}, which keeps every position inside the ring; in {@link LogReader}, which checks
 * each frame length it reads before it uses it; and in the publication, which checks a message's length before
 * it claims space. The log format is little-endian, which is the CPU's order on every platform this class
 * accepts.
 */
public final class LogBuffer
{
    private static final Unsafe UNSAFE = UnsafeAccess.UNSAFE;
    private static final byte[] ZEROS = new byte[4 * 1024];
    private static final int SMALL_COPY_MAX = 64;

    private final ByteBuffer buffer;
    private final long address;
    private final int dataOffset;
    private final int capacity;
    private final int mask;

    /**
     * @param buffer holding an initialised log, from index 0; direct, writable (a write to a read-only mapping
     *               through {@link Unsafe} would crash the process, not throw) and 8-byte aligned.
     * @throws IllegalArgumentException when the buffer is not such a buffer or does not hold the whole log, or
     *                                  the CPU is big-endian.
     */
    public LogBuffer(final ByteBuffer buffer)
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new IllegalArgumentException("shared-memory logs need a little-endian CPU");
        }
        if (buffer.isReadOnly())
        {
            throw new IllegalArgumentException("log buffer is read-only");
        }
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.address = UnsafeAccess.address(this.buffer);
        if ((address & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("log buffer not 8-byte aligned: address=" + address);
        }
        this.dataOffset = this.buffer.getInt(DATA_OFFSET_OFFSET);
        this.capacity = this.buffer.getInt(CAPACITY_OFFSET);
        this.mask = capacity - 1;
        if (capacity <= 0 || (capacity & mask) != 0 || dataOffset != LogDescriptor.dataOffset() ||
            this.buffer.capacity() < fileLength(capacity))
        {
            throw new IllegalArgumentException("log header does not fit its buffer: capacity=" + capacity +
                ", dataOffset=" + dataOffset + ", bufferLength=" + this.buffer.capacity());
        }
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
        le.putLong(CLEAN_LIMIT_OFFSET, capacity);
        // The magic goes last: a reader that sees it sees a whole header.
        UNSAFE.storeFence();
        le.putLong(MAGIC_OFFSET, MAGIC);
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
        return UNSAFE.getInt(address + STREAM_ID_OFFSET);
    }

    /**
     * @return the next position to claim.
     */
    public long tailVolatile()
    {
        return UNSAFE.getLongVolatile(null, address + TAIL_OFFSET);
    }

    /**
     * @param expected tail.
     * @param update   new tail.
     * @return the tail found: {@code expected} when the tail moved to {@code update}.
     */
    public long compareAndExchangeTail(final long expected, final long update)
    {
        if (UNSAFE.compareAndSwapLong(null, address + TAIL_OFFSET, expected, update))
        {
            return expected;
        }
        // Not atomic with the failed swap, which is all a caller needs: a tail to try next.
        return tailVolatile();
    }

    /**
     * @return the position up to which the ring is zeroed and may be claimed.
     */
    public long cleanLimitAcquire()
    {
        return UNSAFE.getLongVolatile(null, address + CLEAN_LIMIT_OFFSET);
    }

    /**
     * @param limit the new clean limit, after the space before it was zeroed.
     */
    public void cleanLimitRelease(final long limit)
    {
        UNSAFE.putOrderedLong(null, address + CLEAN_LIMIT_OFFSET, limit);
    }

    /**
     * @param token of the would-be holder; not 0.
     * @return true when the clean lock was free and is now held by {@code token}.
     */
    public boolean tryLockClean(final long token)
    {
        return UNSAFE.compareAndSwapLong(null, address + CLEAN_LOCK_OFFSET, 0L, token);
    }

    /**
     * @param holder token believed to hold the lock, typically of a dead process.
     * @param token  of the new holder.
     * @return true when the lock moved from {@code holder} to {@code token}.
     */
    public boolean stealCleanLock(final long holder, final long token)
    {
        return UNSAFE.compareAndSwapLong(null, address + CLEAN_LOCK_OFFSET, holder, token);
    }

    /**
     * @return the token holding the clean lock, or 0.
     */
    public long cleanLockHolder()
    {
        return UNSAFE.getLongVolatile(null, address + CLEAN_LOCK_OFFSET);
    }

    /**
     * @param token that holds the clean lock.
     */
    public void unlockClean(final long token)
    {
        UNSAFE.compareAndSwapLong(null, address + CLEAN_LOCK_OFFSET, token, 0L);
    }

    /**
     * @param offset of a shared counter in the header.
     * @param delta  to add.
     */
    public void addToCounter(final int offset, final long delta)
    {
        UNSAFE.getAndAddLong(null, address + offset, delta);
    }

    /**
     * @param offset of a long field.
     * @return its value, read with (at least) acquire semantics.
     */
    public long longAcquire(final int offset)
    {
        return UNSAFE.getLongVolatile(null, address + offset);
    }

    /**
     * @param offset of a long field.
     * @return its value, read atomically and afresh on each call.
     */
    public long longOpaque(final int offset)
    {
        return UNSAFE.getLongVolatile(null, address + offset);
    }

    /**
     * @param offset of a long field.
     * @param value  to store with release semantics.
     */
    public void longRelease(final int offset, final long value)
    {
        UNSAFE.putOrderedLong(null, address + offset, value);
    }

    /**
     * @param offset of a long field written only by this thread.
     * @param value  to store atomically; it is also ordered after earlier stores, which costs nothing more on
     *               x86 or ARM.
     */
    public void longOpaque(final int offset, final long value)
    {
        UNSAFE.putOrderedLong(null, address + offset, value);
    }

    /**
     * @param offset   of a long field.
     * @param expected value.
     * @param update   new value.
     * @return true when it changed.
     */
    public boolean compareAndSetLong(final int offset, final long expected, final long update)
    {
        return UNSAFE.compareAndSwapLong(null, address + offset, expected, update);
    }

    /**
     * @param index of a frame in the buffer.
     * @return its length: 0 until committed.
     */
    public int frameLengthAcquire(final int index)
    {
        return UNSAFE.getIntVolatile(null, address + index);
    }

    /**
     * Commit a frame whose other fields are written.
     *
     * @param index  of the frame in the buffer.
     * @param length of the frame, unpadded.
     */
    public void frameLengthRelease(final int index, final int length)
    {
        UNSAFE.putOrderedInt(null, address + index, length);
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
        writeFrameHeader(index, (byte)0, FrameDescriptor.TYPE_PAD, streamId, sessionId, 0);
        frameLengthRelease(index, length);
    }

    /**
     * Write every header field of a frame but the length and the timestamp, into claimed space whose timestamp
     * is already right (zeroed, for a frame without one). Same layout as
     * {@link FrameDescriptor#writeHeaderWithoutTimestamp}.
     *
     * @param index     of the frame in the buffer, inside a claim.
     * @param flags     of the frame.
     * @param type      of the frame.
     * @param streamId  of the log.
     * @param sessionId of the publisher.
     * @param sequence  of the message.
     */
    public void writeFrameHeader(
        final int index, final byte flags, final int type, final int streamId, final int sessionId, final long sequence)
    {
        final long frame = address + index;
        UNSAFE.putInt(frame + FrameDescriptor.VERSION_OFFSET,
            FrameDescriptor.CURRENT_VERSION | (flags & 0xFF) << 8 | type << 16);
        UNSAFE.putLong(frame + FrameDescriptor.STREAM_ID_OFFSET, (streamId & 0xFFFF_FFFFL) | (long)sessionId << 32);
        UNSAFE.putLong(frame + FrameDescriptor.SEQUENCE_OFFSET, sequence);
    }

    /**
     * @param index       of a frame in the buffer, inside a claim.
     * @param timestampNs to write.
     */
    public void writeFrameTimestamp(final int index, final long timestampNs)
    {
        UNSAFE.putLong(address + index + FrameDescriptor.TIMESTAMP_OFFSET, timestampNs);
    }

    /**
     * Copy a payload into claimed space.
     *
     * @param index     in the buffer, inside a claim at least {@code length} long.
     * @param srcBuffer holding the payload at {@code offset}, checked to hold {@code length} bytes there; or null.
     * @param srcArray  holding the payload, likewise checked; or null.
     * @param offset    of the payload.
     * @param length    of the payload.
     */
    public void copyIn(
        final int index, final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        if (srcArray != null)
        {
            copy(srcArray, UnsafeAccess.BYTE_ARRAY_BASE + offset, address + index, length);
        }
        else if (srcBuffer.isDirect())
        {
            copy(null, UnsafeAccess.address(srcBuffer) + offset, address + index, length);
            // The source's memory is freed with it: keep it until the copy is done.
            Reference.reachabilityFence(srcBuffer);
        }
        else
        {
            buffer.put(index, srcBuffer, offset, length);
        }
    }

    /**
     * Copy to an 8-byte aligned destination. Small messages go a word at a time: {@code copyMemory} checks its
     * arguments and calls a stub, which costs more than the copy itself below a few cache lines.
     */
    private static void copy(final Object srcBase, final long srcOffset, final long dstAddress, final int length)
    {
        if (length > SMALL_COPY_MAX)
        {
            UNSAFE.copyMemory(srcBase, srcOffset, null, dstAddress, length);
            return;
        }
        int i = 0;
        for (; i <= length - Long.BYTES; i += Long.BYTES)
        {
            UNSAFE.putLong(dstAddress + i, UNSAFE.getLong(srcBase, srcOffset + i));
        }
        for (; i < length; i++)
        {
            UNSAFE.putByte(dstAddress + i, UNSAFE.getByte(srcBase, srcOffset + i));
        }
    }

    /**
     * @param index of a committed frame whose length was checked to fit the ring.
     * @return its type.
     */
    public int frameType(final int index)
    {
        return UNSAFE.getShort(address + index + FrameDescriptor.TYPE_OFFSET) & 0xFFFF;
    }

    /**
     * @param index of a committed frame whose length was checked to fit the ring.
     * @return its flags.
     */
    public byte frameFlags(final int index)
    {
        return UNSAFE.getByte(address + index + FrameDescriptor.FLAGS_OFFSET);
    }

    /**
     * @param index of a committed frame whose length was checked to fit the ring.
     * @return its session id.
     */
    public int frameSessionId(final int index)
    {
        return UNSAFE.getInt(address + index + FrameDescriptor.SESSION_ID_OFFSET);
    }

    /**
     * @param index of a committed frame whose length was checked to fit the ring.
     * @return its sequence.
     */
    public long frameSequence(final int index)
    {
        return UNSAFE.getLong(address + index + FrameDescriptor.SEQUENCE_OFFSET);
    }

    /**
     * @param index of a committed frame whose length was checked to fit the ring.
     * @return its timestamp.
     */
    public long frameTimestampNs(final int index)
    {
        return UNSAFE.getLong(address + index + FrameDescriptor.TIMESTAMP_OFFSET);
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
