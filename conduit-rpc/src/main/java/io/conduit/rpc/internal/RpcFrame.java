package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static io.conduit.rpc.internal.RpcFrameDescriptor.CALL_HEADER_LENGTH;
import static io.conduit.rpc.internal.RpcFrameDescriptor.CALL_ID_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.HEADER_LENGTH;
import static io.conduit.rpc.internal.RpcFrameDescriptor.LENGTH_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.METADATA_COUNT_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.METHOD_ID_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.NAME_LENGTH_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.REPLY_STREAM_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.REQUEST_N_LENGTH;
import static io.conduit.rpc.internal.RpcFrameDescriptor.REQUEST_N_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.STATUS_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TIMEOUT_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_CALL;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_CANCEL;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_GOAWAY;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_HEARTBEAT;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_OFFSET;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_REQUEST_N;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_RESPONSE;
import static io.conduit.rpc.internal.RpcFrameDescriptor.TYPE_STREAM_ITEM;

/**
 * A validating flyweight over one received frame (see {@link RpcFrameDescriptor}). {@link #wrap} checks every
 * length before any field is read, so a malformed frame is a {@link MalformedFrameException} and never an
 * out-of-bounds read or an unbounded allocation. Valid until the next {@code wrap}; one per receiving thread.
 */
public final class RpcFrame
{
    private ByteBuffer buffer;
    private int offset;
    private int length;
    private byte type;
    private int payloadOffset;

    /**
     * @param source holding the frame; read little-endian whatever its byte order (left unchanged).
     * @param offset of the frame.
     * @param length of the frame as received.
     * @return this.
     * @throws MalformedFrameException describing what is wrong.
     */
    public RpcFrame wrap(final ByteBuffer source, final int offset, final int length)
    {
        this.buffer = source.order() == ByteOrder.LITTLE_ENDIAN ? source :
            source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.offset = offset;
        this.length = length;
        if (length < HEADER_LENGTH)
        {
            throw new MalformedFrameException("frame too short: lengthBytes=" + length);
        }
        final int declared = buffer.getInt(offset + LENGTH_OFFSET);
        if (declared != length)
        {
            throw new MalformedFrameException("frame length mismatch: declared=" + declared + ", received=" + length);
        }
        type = buffer.get(offset + TYPE_OFFSET);
        switch (type)
        {
            case TYPE_CALL:
                payloadOffset = validateCall();
                break;
            case TYPE_RESPONSE:
            case TYPE_STREAM_ITEM:
            case TYPE_CANCEL:
            case TYPE_HEARTBEAT:
            case TYPE_GOAWAY:
                payloadOffset = HEADER_LENGTH;
                break;
            case TYPE_REQUEST_N:
                if (length != REQUEST_N_LENGTH)
                {
                    throw new MalformedFrameException("bad request-n frame: lengthBytes=" + length);
                }
                payloadOffset = REQUEST_N_LENGTH;
                break;
            default:
                throw new MalformedFrameException("unknown frame type: type=" + type);
        }
        return this;
    }

    private int validateCall()
    {
        if (length < CALL_HEADER_LENGTH)
        {
            throw new MalformedFrameException("call frame too short: lengthBytes=" + length);
        }
        int position = CALL_HEADER_LENGTH + nameLength();
        final int metadataCount = metadataCount();
        for (int i = 0; i < metadataCount; i++)
        {
            if (position + 4 > length)
            {
                throw new MalformedFrameException("metadata runs past frame end: index=" + i);
            }
            position += 4 + (buffer.getShort(offset + position) & 0xFFFF) +
                (buffer.getShort(offset + position + 2) & 0xFFFF);
        }
        if (position > length)
        {
            throw new MalformedFrameException("call fields run past frame end: lengthBytes=" + length +
                ", needed=" + position);
        }
        return position;
    }

    /**
     * @return the frame type, one of {@code RpcFrameDescriptor.TYPE_*}.
     */
    public byte type()
    {
        return type;
    }

    /**
     * @return the status code.
     */
    public int status()
    {
        return buffer.getShort(offset + STATUS_OFFSET) & 0xFFFF;
    }

    /**
     * @return the call id.
     */
    public long callId()
    {
        return buffer.getLong(offset + CALL_ID_OFFSET);
    }

    /**
     * @return a CALL's timeout in nanoseconds; 0 for none.
     */
    public long timeoutNs()
    {
        return buffer.getLong(offset + TIMEOUT_OFFSET);
    }

    /**
     * @return a CALL's reply stream.
     */
    public int replyStream()
    {
        return buffer.getInt(offset + REPLY_STREAM_OFFSET);
    }

    /**
     * @return a CALL's method id.
     */
    public int methodId()
    {
        return buffer.getInt(offset + METHOD_ID_OFFSET);
    }

    /**
     * @param expected a method name's UTF-8 bytes.
     * @return true when the CALL names exactly that method.
     */
    public boolean methodNameEquals(final byte[] expected)
    {
        if (nameLength() != expected.length)
        {
            return false;
        }
        final int start = offset + CALL_HEADER_LENGTH;
        for (int i = 0; i < expected.length; i++)
        {
            if (buffer.get(start + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return a CALL's method name.
     */
    public String methodName()
    {
        return string(offset + CALL_HEADER_LENGTH, nameLength());
    }

    /**
     * @return a CALL's metadata; a new map, empty when there is none.
     */
    public Map<String, String> metadata()
    {
        final int count = metadataCount();
        if (count == 0)
        {
            return Map.of();
        }
        final Map<String, String> metadata = new HashMap<>();
        int position = offset + CALL_HEADER_LENGTH + nameLength();
        for (int i = 0; i < count; i++)
        {
            final int keyLength = buffer.getShort(position) & 0xFFFF;
            final int valueLength = buffer.getShort(position + 2) & 0xFFFF;
            metadata.put(string(position + 4, keyLength), string(position + 4 + keyLength, valueLength));
            position += 4 + keyLength + valueLength;
        }
        return metadata;
    }

    /**
     * @return a REQUEST_N's count.
     */
    public long requestN()
    {
        return buffer.getLong(offset + REQUEST_N_OFFSET);
    }

    /**
     * @return the buffer holding the frame.
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the absolute offset of the payload in {@link #buffer()}.
     */
    public int payloadOffset()
    {
        return offset + payloadOffset;
    }

    /**
     * @return the payload's length.
     */
    public int payloadLength()
    {
        return length - payloadOffset;
    }

    /**
     * @return a copy of the payload.
     */
    public byte[] copyPayload()
    {
        final byte[] copy = new byte[payloadLength()];
        buffer.get(payloadOffset(), copy);
        return copy;
    }

    /**
     * @return the payload as UTF-8 text, as for an error's description.
     */
    public String payloadText()
    {
        return string(payloadOffset(), payloadLength());
    }

    private int nameLength()
    {
        return buffer.getShort(offset + NAME_LENGTH_OFFSET) & 0xFFFF;
    }

    private int metadataCount()
    {
        return buffer.getShort(offset + METADATA_COUNT_OFFSET) & 0xFFFF;
    }

    private String string(final int at, final int lengthBytes)
    {
        final byte[] bytes = new byte[lengthBytes];
        buffer.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
