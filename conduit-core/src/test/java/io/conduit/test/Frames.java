package io.conduit.test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.conduit.internal.FrameDescriptor;

/**
 * Builds frames as bytes on the wire (see {@link FrameDescriptor}), valid or deliberately broken, for tests that
 * talk to a transport with raw sockets and for fuzz seeds.
 */
public final class Frames
{
    private Frames()
    {
    }

    /**
     * @param type      of the frame.
     * @param flags     of the frame.
     * @param streamId  of the frame.
     * @param sessionId of the frame.
     * @param sequence  of the frame.
     * @param payload   of the frame.
     * @return a valid frame, padded to {@link FrameDescriptor#FRAME_ALIGNMENT}.
     */
    public static byte[] frame(
        final int type, final byte flags, final int streamId, final int sessionId, final long sequence,
        final byte[] payload)
    {
        final int frameLength = FrameDescriptor.HEADER_LENGTH + payload.length;
        return frame(frameLength, FrameDescriptor.CURRENT_VERSION, type, flags, streamId, sessionId, sequence, payload);
    }

    /**
     * A frame with every field as given, even when inconsistent, such as a length that does not match the payload.
     *
     * @param lengthField  written into the length field.
     * @param version      written into the version field.
     * @param type         written into the type field.
     * @param flags        of the frame.
     * @param streamId     of the frame.
     * @param sessionId    of the frame.
     * @param sequence     of the frame.
     * @param payload      bytes after the header.
     * @return the header and payload, padded to {@link FrameDescriptor#FRAME_ALIGNMENT}.
     */
    public static byte[] frame(
        final int lengthField,
        final int version,
        final int type,
        final byte flags,
        final int streamId,
        final int sessionId,
        final long sequence,
        final byte[] payload)
    {
        final int length = FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + payload.length);
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        FrameDescriptor.writeHeader(buffer, 0, flags, type, streamId, sessionId, sequence, 0);
        buffer.putInt(FrameDescriptor.LENGTH_OFFSET, lengthField);
        buffer.put(FrameDescriptor.VERSION_OFFSET, (byte)version);
        buffer.put(FrameDescriptor.HEADER_LENGTH, payload);
        return buffer.array();
    }

    /**
     * @param streamId  to open.
     * @param sessionId of the publication.
     * @return a HELLO frame.
     */
    public static byte[] hello(final int streamId, final int sessionId)
    {
        return frame(FrameDescriptor.TYPE_HELLO, (byte)0, streamId, sessionId, 0, new byte[0]);
    }

    /**
     * @param streamId  of the message.
     * @param sessionId of the publication.
     * @param sequence  of the message.
     * @param payload   the message.
     * @return an unfragmented DATA frame.
     */
    public static byte[] data(final int streamId, final int sessionId, final long sequence, final byte[] payload)
    {
        return frame(FrameDescriptor.TYPE_DATA, FrameDescriptor.UNFRAGMENTED, streamId, sessionId, sequence, payload);
    }

    /**
     * @param parts to join.
     * @return the parts one after another.
     */
    public static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final byte[] joined = new byte[length];
        int offset = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, joined, offset, part.length);
            offset += part.length;
        }
        return joined;
    }
}
