package io.conduit.rpc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads RPC frames from a blocking socket's stream: each read takes in as many bytes as have arrived, and every
 * whole frame among them is handed to the listener, heartbeats left out. A frame shorter than a header or longer
 * than the maximum is a {@link MalformedFrameException}. The buffer grows for a large frame and is given back
 * once it is empty. Used by one thread at a time.
 */
final class FrameReader
{
    private static final int INITIAL_BYTES = 64 * 1024;
    /** A buffer grown past this by a large frame is given back once it is empty. */
    private static final int RETAINED_BYTES = 1024 * 1024;
    private static final int LENGTH_END = RpcFrameDescriptor.LENGTH_OFFSET + Integer.BYTES;

    private final int maxFrameLength;
    private final RpcFrame frame = new RpcFrame();
    private byte[] bytes = new byte[INITIAL_BYTES];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    private int start;
    private int end;

    /**
     * @param maxFrameLength longest frame accepted.
     */
    FrameReader(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Read once, blocking as the stream does.
     *
     * @param in to read.
     * @return the bytes read, or -1 at the end of the stream.
     * @throws IOException as the stream does, a read timeout included.
     */
    int read(final InputStream in) throws IOException
    {
        final int read = in.read(bytes, end, bytes.length - end);
        if (read > 0)
        {
            end += read;
        }
        return read;
    }

    /**
     * @return true when bytes of a frame not yet whole are held: the stream ending now cuts a frame short.
     */
    boolean holdsPartialFrame()
    {
        return end > start;
    }

    /**
     * Hand every whole frame read so far to the listener, heartbeats left out.
     *
     * @param connection the frames came on.
     * @param listener   of the frames.
     * @throws MalformedFrameException for a frame length out of range.
     */
    void dispatch(final RpcConnection connection, final FrameListener listener)
    {
        while (end - start >= LENGTH_END)
        {
            final int length = buffer.getInt(start + RpcFrameDescriptor.LENGTH_OFFSET);
            if (length < RpcFrameDescriptor.HEADER_LENGTH || length > maxFrameLength)
            {
                throw new MalformedFrameException("bad frame length: lengthBytes=" + length +
                    ", maxFrameLength=" + maxFrameLength);
            }
            if (end - start < length)
            {
                makeRoom(length);
                return;
            }
            final int frameStart = start;
            start += length;
            if (frame.wrap(buffer, frameStart, length).type() != RpcFrameDescriptor.TYPE_HEARTBEAT)
            {
                listener.onFrame(connection, frame);
            }
        }
        makeRoom(LENGTH_END);
    }

    /**
     * Make room after the bytes not yet dispatched for a frame of {@code length}: start over when nothing is
     * left (giving back a buffer a large frame grew), else move the bytes to the front, into a larger buffer when
     * the frame would not fit.
     */
    private void makeRoom(final int length)
    {
        final int unread = end - start;
        if (unread == 0)
        {
            start = 0;
            end = 0;
            if (bytes.length > RETAINED_BYTES)
            {
                setBytes(new byte[INITIAL_BYTES]);
            }
            return;
        }
        if (start + length <= bytes.length)
        {
            return;
        }
        final byte[] target = length > bytes.length ?
            new byte[(int)Math.min(Math.max(length, 2L * bytes.length), Math.max(length, maxFrameLength))] :
            bytes;
        System.arraycopy(bytes, start, target, 0, unread);
        setBytes(target);
        start = 0;
        end = unread;
    }

    private void setBytes(final byte[] target)
    {
        if (target != bytes)
        {
            bytes = target;
            buffer = ByteBuffer.wrap(target).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
