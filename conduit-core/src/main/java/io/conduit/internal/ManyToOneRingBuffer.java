package io.conduit.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_PAD;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * A ring of frames (see {@link FrameDescriptor}) written by many threads and read by one.
 * <pre>
 *  +-----------------------------------------------------------------+
 *  |                 Frames: capacity bytes, a power of 2            |
 *  +-----------------------------------------------------------------+
 *  |  Tail position (int64), padded to 128 bytes                     |  capacity + 0
 *  +-----------------------------------------------------------------+
 *  |  Head position (int64), padded to 128 bytes                     |  capacity + 128
 *  +-----------------------------------------------------------------+
 * </pre>
 * A writer claims space by CAS on the tail, writes the frame's length negated (not ready), fills the frame, then
 * publishes the length with release semantics. The reader reads the length with acquire semantics, handles ready
 * frames, zeroes what it consumed and publishes the head with release semantics. A claim that would cross the
 * end of the ring pads to the end and starts at 0. Claims never block; a full ring is a failed claim.
 */
public final class ManyToOneRingBuffer
{
    /** Bytes after the frames holding the head and tail positions. */
    public static final int TRAILER_LENGTH = 256;

    private static final int TAIL_OFFSET = 0;
    private static final int HEAD_OFFSET = 128;
    private static final int NOT_CLAIMED = -1;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(64 * 1024);

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Handles one ready frame during {@link #read}.
     */
    @FunctionalInterface
    public interface FrameHandler
    {
        /**
         * @param buffer      holding the frame (little-endian).
         * @param index       of the frame in the buffer.
         * @param frameLength unpadded length of the frame.
         * @return the number of messages this frame completed, counted against the read's limit.
         */
        int onFrame(ByteBuffer buffer, int index, int frameLength);
    }

    private final ByteBuffer buffer;
    private final int capacity;
    private final int mask;
    private final int maxFrameLength;
    private final int tailIndex;
    private final int headIndex;

    /**
     * @param buffer direct buffer of a power-of-2 capacity plus {@link #TRAILER_LENGTH}, zeroed.
     */
    public ManyToOneRingBuffer(final ByteBuffer buffer)
    {
        final int capacity = buffer.capacity() - TRAILER_LENGTH;
        if (capacity < 1024 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of 2 of at least 1024: capacity=" +
                capacity);
        }
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFrameLength = capacity / 8;
        this.tailIndex = capacity + TAIL_OFFSET;
        this.headIndex = capacity + HEAD_OFFSET;
    }

    /**
     * @param capacity of the frames area, a power of 2.
     * @return a ring over a new direct buffer.
     */
    public static ManyToOneRingBuffer allocate(final int capacity)
    {
        return new ManyToOneRingBuffer(ByteBuffer.allocateDirect(capacity + TRAILER_LENGTH));
    }

    /**
     * @return the buffer frames are written to (little-endian).
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the bytes available to frames.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the longest frame the ring takes: an eighth of its capacity.
     */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * Claim space for a frame and mark it not ready. Follow with the header and payload, then {@link #commit}.
     *
     * @param frameLength unpadded length of the frame, header included.
     * @return the index to write the frame at, or -1 when the ring has no room.
     * @throws IllegalArgumentException when the frame is longer than {@link #maxFrameLength()}.
     */
    public int tryClaim(final int frameLength)
    {
        if (frameLength < HEADER_LENGTH || frameLength > maxFrameLength)
        {
            throw new IllegalArgumentException("invalid frame length: frameLength=" + frameLength +
                ", maxFrameLength=" + maxFrameLength);
        }
        final int required = alignedLength(frameLength);
        long head = (long)LONG.getVolatile(buffer, headIndex);
        long tail;
        int padding;
        int index;
        do
        {
            tail = (long)LONG.getVolatile(buffer, tailIndex);
            if (required > capacity - (int)(tail - head))
            {
                head = (long)LONG.getVolatile(buffer, headIndex);
                if (required > capacity - (int)(tail - head))
                {
                    return NOT_CLAIMED;
                }
            }
            padding = 0;
            index = (int)tail & mask;
            final int toEnd = capacity - index;
            if (required > toEnd)
            {
                // Wrap: pad to the end and start again at 0, which needs room for both.
                if (required + toEnd > capacity - (int)(tail - head))
                {
                    head = (long)LONG.getVolatile(buffer, headIndex);
                    if (required + toEnd > capacity - (int)(tail - head))
                    {
                        return NOT_CLAIMED;
                    }
                }
                padding = toEnd;
            }
        }
        while (!LONG.compareAndSet(buffer, tailIndex, tail, tail + required + padding));

        if (padding != 0)
        {
            INT.setRelease(buffer, index + LENGTH_OFFSET, -padding);
            buffer.putShort(index + TYPE_OFFSET, (short)TYPE_PAD);
            INT.setRelease(buffer, index + LENGTH_OFFSET, padding);
            index = 0;
        }
        INT.setRelease(buffer, index + LENGTH_OFFSET, -frameLength);
        return index;
    }

    /**
     * Make a claimed frame visible to the reader.
     *
     * @param index       returned by {@link #tryClaim}.
     * @param frameLength as claimed.
     */
    public void commit(final int index, final int frameLength)
    {
        INT.setRelease(buffer, index + LENGTH_OFFSET, frameLength);
    }

    /**
     * Read ready frames, skipping padding, until the limit of messages is reached or no frame is ready. Only one
     * thread may read.
     *
     * @param handler      for each frame.
     * @param messageLimit stop once handlers have reported this many messages.
     * @return the number of frames read, padding excluded.
     */
    public int read(final FrameHandler handler, final int messageLimit)
    {
        final long head = (long)LONG.getOpaque(buffer, headIndex);
        final int start = (int)head & mask;
        final int contiguous = capacity - start;
        int bytesRead = 0;
        int frames = 0;
        int messages = 0;
        try
        {
            while (bytesRead < contiguous && messages < messageLimit)
            {
                final int index = start + bytesRead;
                final int frameLength = (int)INT.getAcquire(buffer, index + LENGTH_OFFSET);
                if (frameLength <= 0)
                {
                    break;
                }
                bytesRead += alignedLength(frameLength);
                if ((buffer.getShort(index + TYPE_OFFSET) & 0xFFFF) != TYPE_PAD)
                {
                    frames++;
                    messages += handler.onFrame(buffer, index, frameLength);
                }
            }
        }
        finally
        {
            if (bytesRead > 0)
            {
                zero(start, bytesRead);
                LONG.setVolatile(buffer, headIndex, head + bytesRead);
            }
        }
        return frames;
    }

    /**
     * @return bytes claimed and not yet consumed; a racy estimate while writers are active.
     */
    public int size()
    {
        final long head = (long)LONG.getVolatile(buffer, headIndex);
        final long tail = (long)LONG.getVolatile(buffer, tailIndex);
        return (int)Math.max(0, Math.min(capacity, tail - head));
    }

    private void zero(final int index, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int chunk = Math.min(length - done, ZEROES.capacity());
            buffer.put(index + done, ZEROES, 0, chunk);
            done += chunk;
        }
    }
}
