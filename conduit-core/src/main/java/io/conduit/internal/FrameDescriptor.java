package io.conduit.internal;

import java.nio.ByteBuffer;

/**
 * The one frame format of every transport. Little-endian, frames start 8-byte aligned (the length field holds
 * the unpadded length; the next frame starts at {@link #alignedLength(int)}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Frame Length (header + payload)              |  0
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |B|E|  Flags    |             Type              |  4
 *  +---------------+---------------+-------------------------------+
 *  |                           Stream Id                           |  8
 *  +---------------------------------------------------------------+
 *  |                           Session Id                          | 12
 *  +---------------------------------------------------------------+
 *  |                    Sequence (message number)                  | 16
 *  |                                                               | 20
 *  +---------------------------------------------------------------+
 *  |               Timestamp (publisher nanoTime, or 0)            | 24
 *  |                                                               | 28
 *  +---------------------------------------------------------------+
 *  |                     Payload (Frame Length - 32)              ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * B and E mark the begin and end fragments of a message; an unfragmented message has both. All fragments of a
 * message carry the same sequence. Types: {@link #TYPE_PAD} fills the end of a ring, {@link #TYPE_DATA} carries
 * a message (fragment), {@link #TYPE_HELLO} opens a stream on a connection and acknowledges it,
 * {@link #TYPE_HEARTBEAT} says the peer is alive, {@link #TYPE_ERROR} carries an error code (payload: int32
 * code, then UTF-8 text) before a close, {@link #TYPE_SESSION_END} says a publication closed.
 */
public final class FrameDescriptor
{
    /** The version this code writes and the only one it reads. */
    public static final int CURRENT_VERSION = 1;

    /** Frames start on this boundary. */
    public static final int FRAME_ALIGNMENT = 8;
    /** Length of the header before the payload. */
    public static final int HEADER_LENGTH = 32;

    /** Offset of the frame length field. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the version field. */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the flags field. */
    public static final int FLAGS_OFFSET = 5;
    /** Offset of the type field. */
    public static final int TYPE_OFFSET = 6;
    /** Offset of the stream id field. */
    public static final int STREAM_ID_OFFSET = 8;
    /** Offset of the session id field. */
    public static final int SESSION_ID_OFFSET = 12;
    /** Offset of the sequence field. */
    public static final int SEQUENCE_OFFSET = 16;
    /** Offset of the timestamp field. */
    public static final int TIMESTAMP_OFFSET = 24;

    /** Flag of the first fragment of a message. */
    public static final byte BEGIN_FLAG = (byte)0x80;
    /** Flag of the last fragment of a message. */
    public static final byte END_FLAG = (byte)0x40;
    /** Flags of a message carried in one frame. */
    public static final byte UNFRAGMENTED = (byte)(BEGIN_FLAG | END_FLAG);

    /** Padding at the end of a ring; skipped by readers. */
    public static final int TYPE_PAD = 0;
    /** A message or message fragment. */
    public static final int TYPE_DATA = 1;
    /** Opens a stream on a connection, and acknowledges it. */
    public static final int TYPE_HELLO = 2;
    /** Liveness while there is nothing else to send. */
    public static final int TYPE_HEARTBEAT = 3;
    /** An error code and text, sent before closing. */
    public static final int TYPE_ERROR = 4;
    /** The publication of this session closed. */
    public static final int TYPE_SESSION_END = 5;
    /** The highest type this version knows. */
    public static final int MAX_TYPE = TYPE_SESSION_END;

    private FrameDescriptor()
    {
    }

    /**
     * @param frameLength unpadded length of a frame.
     * @return the length it occupies, rounded up to {@link #FRAME_ALIGNMENT}.
     */
    public static int alignedLength(final int frameLength)
    {
        return (frameLength + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }

    /**
     * @param offset of the fragment within its message.
     * @param chunk  length of the fragment.
     * @param length of the whole message.
     * @return the flags of that fragment: {@link #BEGIN_FLAG} on the first, {@link #END_FLAG} on the last.
     */
    public static byte fragmentFlags(final int offset, final int chunk, final int length)
    {
        byte flags = 0;
        if (offset == 0)
        {
            flags |= BEGIN_FLAG;
        }
        if (offset + chunk == length)
        {
            flags |= END_FLAG;
        }
        return flags;
    }

    /**
     * @param type a frame type read from the wire.
     * @return true when this version knows the type.
     */
    public static boolean isKnownType(final int type)
    {
        return type >= TYPE_PAD && type <= MAX_TYPE;
    }

    /**
     * Write every header field but the length, which the caller publishes last.
     *
     * @param buffer      little-endian buffer to write to.
     * @param offset      of the frame.
     * @param flags       of the frame.
     * @param type        of the frame.
     * @param streamId    of the frame.
     * @param sessionId   of the frame.
     * @param sequence    of the message.
     * @param timestampNs at offer, or 0.
     */
    public static void writeHeader(
        final ByteBuffer buffer,
        final int offset,
        final byte flags,
        final int type,
        final int streamId,
        final int sessionId,
        final long sequence,
        final long timestampNs)
    {
        writeHeaderWithoutTimestamp(buffer, offset, flags, type, streamId, sessionId, sequence);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampNs);
    }

    /**
     * Write every header field but the length and the timestamp, into space whose timestamp is already right
     * (zeroed, for a frame without one).
     *
     * @param buffer    little-endian buffer to write to.
     * @param offset    of the frame.
     * @param flags     of the frame.
     * @param type      of the frame.
     * @param streamId  of the frame.
     * @param sessionId of the frame.
     * @param sequence  of the message.
     */
    public static void writeHeaderWithoutTimestamp(
        final ByteBuffer buffer,
        final int offset,
        final byte flags,
        final int type,
        final int streamId,
        final int sessionId,
        final long sequence)
    {
        // Version, flags and type as one little-endian int; stream and session ids as one long: fewer checked
        // stores on every transport's hot path.
        buffer.putInt(offset + VERSION_OFFSET, CURRENT_VERSION | (flags & 0xFF) << 8 | type << 16);
        buffer.putLong(offset + STREAM_ID_OFFSET, (streamId & 0xFFFF_FFFFL) | (long)sessionId << 32);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence);
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the frame type.
     */
    public static int type(final ByteBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + TYPE_OFFSET) & 0xFFFF;
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the frame flags.
     */
    public static byte flags(final ByteBuffer buffer, final int offset)
    {
        return buffer.get(offset + FLAGS_OFFSET);
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the stream id.
     */
    public static int streamId(final ByteBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + STREAM_ID_OFFSET);
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the session id.
     */
    public static int sessionId(final ByteBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SESSION_ID_OFFSET);
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the sequence.
     */
    public static long sequence(final ByteBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET);
    }

    /**
     * @param buffer little-endian buffer holding a frame.
     * @param offset of the frame.
     * @return the timestamp.
     */
    public static long timestampNs(final ByteBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TIMESTAMP_OFFSET);
    }
}
