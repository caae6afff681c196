package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Layout of RPC frames, the same on every transport. Little-endian. Over TCP frames follow each other on the
 * connection, delimited by their length; over Conduit streams each frame is one message.
 * <pre>
 * Every frame starts with:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Frame Length (header included)            |  0
 *  +---------------+---------------+-------------------------------+
 *  |     Type      |     Flags     |     Status (gRPC code)        |  4
 *  +---------------+---------------+-------------------------------+
 *  |                          Call Id (64 bits)                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * CALL (type 1) continues:
 *  |                 Timeout ns left (64 bits), 0 = none           | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Reply Stream (Conduit streams; 0 on TCP)      | 24
 *  +---------------------------------------------------------------+
 *  |                 Method Id (FNV-1a of "service/method")        | 28
 *  +-------------------------------+-------------------------------+
 *  |      Method Name Length       |      Metadata Count           | 32
 *  +-------------------------------+-------------------------------+
 *  |      Method Name ("service/method", UTF-8)                   ... 36
 *  +---------------------------------------------------------------+
 *  |      Metadata: Count x [Key Length u16, Value Length u16,    ...
 *  |                         Key UTF-8, Value UTF-8]               |
 *  +---------------------------------------------------------------+
 *  |      Argument (encoded by the method's codec) to frame end   ...
 *  +---------------------------------------------------------------+
 * RESPONSE (type 2): final; Status OK: the encoded result (empty for a stream); else the UTF-8 description.
 * STREAM_ITEM (type 3): one encoded item of a server stream.
 * CANCEL (type 4): client to server, no body.
 * REQUEST_N (type 5): client to server, more stream items wanted:
 *  |                 N (64 bits)                                   | 16
 * HEARTBEAT (type 6): either way on TCP after an idle interval; call id 0, no body.
 * GOAWAY (type 7): server to client over Conduit streams when the server skipped requests (its subscription was
 *                  evicted); the client fails its calls in flight with UNAVAILABLE and reconnects. No body.
 * </pre>
 * A frame shorter than its type needs, with a length field that disagrees with the bytes received, an unknown
 * type, or lengths that run past its end is malformed: it closes the connection it came on.
 */
public final class RpcFrameDescriptor
{
    /** Offset of the frame length. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the type. */
    public static final int TYPE_OFFSET = 4;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 5;
    /** Offset of the status. */
    public static final int STATUS_OFFSET = 6;
    /** Offset of the call id. */
    public static final int CALL_ID_OFFSET = 8;
    /** Length of the header every frame has. */
    public static final int HEADER_LENGTH = 16;

    /** Offset of a CALL's timeout. */
    public static final int TIMEOUT_OFFSET = 16;
    /** Offset of a CALL's reply stream. */
    public static final int REPLY_STREAM_OFFSET = 24;
    /** Offset of a CALL's method id. */
    public static final int METHOD_ID_OFFSET = 28;
    /** Offset of a CALL's method name length. */
    public static final int NAME_LENGTH_OFFSET = 32;
    /** Offset of a CALL's metadata count. */
    public static final int METADATA_COUNT_OFFSET = 34;
    /** Offset of a CALL's method name. */
    public static final int CALL_HEADER_LENGTH = 36;

    /** Offset of a REQUEST_N's count. */
    public static final int REQUEST_N_OFFSET = 16;
    /** Length of a REQUEST_N frame. */
    public static final int REQUEST_N_LENGTH = 24;

    /** A call from client to server. */
    public static final byte TYPE_CALL = 1;
    /** The final answer to a call. */
    public static final byte TYPE_RESPONSE = 2;
    /** One item of a server stream. */
    public static final byte TYPE_STREAM_ITEM = 3;
    /** The client cancels a call. */
    public static final byte TYPE_CANCEL = 4;
    /** The client wants more stream items. */
    public static final byte TYPE_REQUEST_N = 5;
    /** Either side is alive; TCP only, answered by nothing. */
    public static final byte TYPE_HEARTBEAT = 6;
    /** Server to client over Conduit streams: requests may have been lost, fail the calls in flight. */
    public static final byte TYPE_GOAWAY = 7;

    /** Longest method name or metadata string, in bytes. */
    public static final int MAX_STRING_LENGTH = 0xFFFF;

    private RpcFrameDescriptor()
    {
    }

    /**
     * @param name such as {@code conduit.Echo/echo}.
     * @return its FNV-1a hash over UTF-8, the method id on the wire.
     */
    public static int methodId(final String name)
    {
        int hash = 0x811C9DC5;
        for (final byte b : name.getBytes(StandardCharsets.UTF_8))
        {
            hash ^= b & 0xFF;
            hash *= 0x01000193;
        }
        return hash;
    }

    /**
     * Write a CALL frame.
     *
     * @return the frame's length.
     */
    static int encodeCall(
        final FrameBuffer out,
        final long callId,
        final long timeoutNs,
        final int replyStream,
        final int methodId,
        final byte[] methodName,
        final Map<String, String> metadata,
        final byte[] argument)
    {
        int length = CALL_HEADER_LENGTH + methodName.length + argument.length;
        for (final Map.Entry<String, String> entry : metadata.entrySet())
        {
            length += 4 + utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        final ByteBuffer buffer = out.reset(length);
        header(buffer, length, TYPE_CALL, 0, callId);
        buffer.putLong(TIMEOUT_OFFSET, timeoutNs);
        buffer.putInt(REPLY_STREAM_OFFSET, replyStream);
        buffer.putInt(METHOD_ID_OFFSET, methodId);
        buffer.putShort(NAME_LENGTH_OFFSET, (short)methodName.length);
        buffer.putShort(METADATA_COUNT_OFFSET, (short)metadata.size());
        buffer.position(CALL_HEADER_LENGTH);
        buffer.put(methodName);
        for (final Map.Entry<String, String> entry : metadata.entrySet())
        {
            final byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
            final byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
            buffer.putShort((short)key.length).putShort((short)value.length).put(key).put(value);
        }
        buffer.put(argument);
        return length;
    }

    /**
     * Write a RESPONSE or STREAM_ITEM frame.
     *
     * @return the frame's length.
     */
    static int encodeReply(
        final FrameBuffer out, final byte type, final long callId, final int status, final byte[] payload)
    {
        final int length = HEADER_LENGTH + payload.length;
        final ByteBuffer buffer = out.reset(length);
        header(buffer, length, type, status, callId);
        buffer.position(HEADER_LENGTH);
        buffer.put(payload);
        return length;
    }

    /**
     * Write a CANCEL frame.
     *
     * @return the frame's length.
     */
    static int encodeCancel(final FrameBuffer out, final long callId)
    {
        header(out.reset(HEADER_LENGTH), HEADER_LENGTH, TYPE_CANCEL, 0, callId);
        return HEADER_LENGTH;
    }

    /**
     * Write a HEARTBEAT frame.
     *
     * @return the frame's length.
     */
    static int encodeHeartbeat(final FrameBuffer out)
    {
        header(out.reset(HEADER_LENGTH), HEADER_LENGTH, TYPE_HEARTBEAT, 0, 0L);
        return HEADER_LENGTH;
    }

    /**
     * Write a GOAWAY frame.
     *
     * @return the frame's length.
     */
    static int encodeGoAway(final FrameBuffer out)
    {
        header(out.reset(HEADER_LENGTH), HEADER_LENGTH, TYPE_GOAWAY, 0, 0L);
        return HEADER_LENGTH;
    }

    /**
     * Write a REQUEST_N frame.
     *
     * @return the frame's length.
     */
    static int encodeRequestN(final FrameBuffer out, final long callId, final long n)
    {
        final ByteBuffer buffer = out.reset(REQUEST_N_LENGTH);
        header(buffer, REQUEST_N_LENGTH, TYPE_REQUEST_N, 0, callId);
        buffer.putLong(REQUEST_N_OFFSET, n);
        return REQUEST_N_LENGTH;
    }

    private static void header(
        final ByteBuffer buffer, final int length, final byte type, final int status, final long callId)
    {
        buffer.putInt(LENGTH_OFFSET, length);
        buffer.put(TYPE_OFFSET, type);
        buffer.put(FLAGS_OFFSET, (byte)0);
        buffer.putShort(STATUS_OFFSET, (short)status);
        buffer.putLong(CALL_ID_OFFSET, callId);
    }

    /**
     * @param text such as an error's description; null is empty.
     * @return its UTF-8 bytes, cut to {@value #MAX_STRING_LENGTH} bytes.
     */
    static byte[] utf8(final String text)
    {
        final byte[] bytes = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_STRING_LENGTH ? bytes : java.util.Arrays.copyOf(bytes, MAX_STRING_LENGTH);
    }

    /**
     * @param key   of a metadata entry.
     * @param value of a metadata entry.
     * @throws IllegalArgumentException when either is longer than {@value #MAX_STRING_LENGTH} bytes in UTF-8.
     */
    public static void checkMetadata(final String key, final String value)
    {
        final int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
        final int valueLength = value.getBytes(StandardCharsets.UTF_8).length;
        if (keyLength > MAX_STRING_LENGTH || valueLength > MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException("metadata too long: key=" + key.substring(0, Math.min(40,
                key.length())) + ", keyBytes=" + keyLength + ", valueBytes=" + valueLength);
        }
    }

    private static int utf8Length(final String value)
    {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A reusable little-endian buffer to encode frames into; one per thread.
     */
    static final class FrameBuffer
    {
        private static final ThreadLocal<FrameBuffer> PER_THREAD = ThreadLocal.withInitial(FrameBuffer::new);

        private ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

        static FrameBuffer current()
        {
            return PER_THREAD.get();
        }

        ByteBuffer reset(final int length)
        {
            if (buffer.capacity() < length)
            {
                buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
            }
            buffer.clear();
            return buffer;
        }

        ByteBuffer buffer()
        {
            return buffer;
        }
    }
}
