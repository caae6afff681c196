package io.conduit.internal.tcp;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_OFFSET;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * Reads one connection's socket on the thread that polls its subscription ({@code ?delivery=poller}), in place of
 * the event loop: no thread is woken between the socket and the poller. It splits the bytes into frames, checked
 * as {@link TcpFrameDecoder} checks them, and hands each to the connection as the decoder would. A frame the
 * subscription has no room for stays buffered and the socket is not read until it is taken, so a poller that falls
 * behind back-pressures the publisher through TCP's own window. Used by one polling thread at a time.
 */
final class PolledFrameReader
{
    /**
     * What the reader needs of its connection: {@link TcpConnection}, or a test's recording fake.
     */
    interface Owner
    {
        /**
         * @see TcpFrameDecoder.FrameSink#onFrame
         */
        boolean onFrame(ByteBuf buffer, int index, int frameLength, int type);

        /**
         * The peer broke the protocol: report it and close, off the reading thread.
         */
        void protocolErrorFromAnyThread(ErrorCode code, String detail);

        /**
         * Bytes were read, at this time.
         */
        void readByPoller(long nowNs);

        /**
         * @return true once the connection is closing.
         */
        boolean isClosing();

        /**
         * Close the connection: the peer closed or broke it.
         */
        void close();

        /**
         * @return the peer, for logs.
         */
        SocketAddress peer();
    }

    /**
     * The socket, read without blocking.
     */
    interface Source
    {
        /**
         * @param destination to fill from its position up to its limit.
         * @return bytes read, possibly 0, or -1 at the end of the stream.
         * @throws IOException when the connection is broken.
         */
        int readDirect(ByteBuffer destination) throws IOException;

        /**
         * @param selector of the polling thread, to wake it when bytes arrive.
         * @return the registration, or null for a source that cannot wake anyone (a test's).
         * @throws IOException when the socket is closed.
         */
        default SelectionKey registerReads(final Selector selector) throws IOException
        {
            return null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PolledFrameReader.class);

    private final Owner connection;
    private final Source channel;
    private final int maxFrameLength;
    private final int maxAlignedFrameLength;
    private final ByteBuffer buffer;
    private final ByteBuf frames;
    private int start;
    private int end;
    private boolean blocked;
    private volatile boolean finished;
    private volatile SelectionKey key;
    private volatile long readAttempts;
    private volatile boolean watched;

    /**
     * @param connection     the frames are for.
     * @param channel        to read: the socket, read directly.
     * @param maxFrameLength longest frame accepted, header included.
     * @param leftover       bytes the event loop read and did not decode, the start of the next frame; or null.
     */
    PolledFrameReader(
        final Owner connection,
        final Source channel,
        final int maxFrameLength,
        final ByteBuf leftover)
    {
        this.connection = connection;
        this.channel = channel;
        this.maxFrameLength = maxFrameLength;
        this.maxAlignedFrameLength = alignedLength(maxFrameLength);
        this.buffer = ByteBuffer.allocateDirect(2 * maxAlignedFrameLength);
        this.frames = Unpooled.wrappedBuffer(buffer);
        if (leftover != null)
        {
            end = leftover.readableBytes();
            leftover.getBytes(leftover.readerIndex(), frames, 0, end);
        }
    }

    /**
     * Hand over the whole frames already buffered, then, unless one was refused, read the socket once without
     * blocking and hand over the frames that completes.
     *
     * @return frames handed to the connection.
     */
    int pull()
    {
        if (finished)
        {
            return 0;
        }
        int handed = takeFrames();
        if (blocked || finished)
        {
            return handed;
        }
        compact();
        readAttempts++;
        final int read;
        try
        {
            buffer.limit(buffer.capacity()).position(end);
            read = channel.readDirect(buffer);
        }
        catch (final IOException ex)
        {
            finished = true;
            if (!connection.isClosing())
            {
                // A peer that went away: expected in a distributed system, and counted as a disconnect.
                LOG.info("connection lost: peer={}, reason={}", connection.peer(), TcpConnection.rootMessage(ex));
            }
            connection.close();
            return handed;
        }
        if (read < 0)
        {
            finished = true;
            if (end > start)
            {
                connection.protocolErrorFromAnyThread(ErrorCode.MALFORMED_FRAME,
                    TcpFrameDecoder.truncatedError(end - start));
            }
            else
            {
                connection.close();
            }
            return handed;
        }
        if (read > 0)
        {
            end += read;
            connection.readByPoller(System.nanoTime());
            handed += takeFrames();
        }
        return handed;
    }

    /**
     * @return bytes read and not yet handed over: less than a frame, unless one waits for room.
     */
    int bufferedBytes()
    {
        return end - start;
    }

    /**
     * @return how many times the socket was read, so the connection can tell a silent peer from a poller that is
     * not polling.
     */
    long readAttempts()
    {
        return readAttempts;
    }

    /**
     * @param watching true while the polling thread sleeps on this socket, to be woken by its bytes: it is reading
     *                 then, though it makes no read.
     */
    void watched(final boolean watching)
    {
        watched = watching && key != null;
    }

    /**
     * @return true while the polling thread sleeps on this socket.
     */
    boolean isWatched()
    {
        return watched;
    }

    /**
     * @return true while a frame waits for room in the subscription.
     */
    boolean isBlocked()
    {
        return blocked;
    }

    /**
     * Stop reading: the connection closed. Any thread.
     */
    void finish()
    {
        finished = true;
        final SelectionKey registered = key;
        if (registered != null)
        {
            registered.cancel();
        }
    }

    /**
     * Have the polling thread's selector wake it when this socket has bytes; once. Called by the polling thread.
     *
     * @param selector of the polling thread.
     */
    void registerWith(final Selector selector)
    {
        if (key != null || finished)
        {
            return;
        }
        try
        {
            key = channel.registerReads(selector);
        }
        catch (final IOException ex)
        {
            // Closed: the next read says so.
        }
        if (finished && key != null)
        {
            key.cancel();
        }
    }

    private int takeFrames()
    {
        int handed = 0;
        blocked = false;
        while (end - start >= TcpFrameDecoder.HEADER_CHECK_LENGTH)
        {
            final String headerError = TcpFrameDecoder.headerError(frames, start, maxFrameLength);
            if (headerError != null)
            {
                fail(headerError);
                return handed;
            }
            final int frameLength = frames.getIntLE(start + LENGTH_OFFSET);
            final int alignedLength = alignedLength(frameLength);
            if (end - start < alignedLength)
            {
                break;
            }
            final int type = frames.getUnsignedShortLE(start + TYPE_OFFSET);
            if (!FrameDescriptor.isKnownType(type))
            {
                fail(TcpFrameDecoder.unknownTypeError(type));
                return handed;
            }
            if (!connection.onFrame(frames, start, frameLength, type))
            {
                blocked = true;
                return handed;
            }
            start += alignedLength;
            handed++;
            if (connection.isClosing())
            {
                // The frame broke the protocol (a second hello, another session's data): read no further.
                finished = true;
                return handed;
            }
        }
        return handed;
    }

    /**
     * Make room for a whole frame after the bytes kept: what is kept is less than one frame, as every whole frame
     * was taken.
     */
    private void compact()
    {
        if (start == end)
        {
            start = 0;
            end = 0;
        }
        else if (buffer.capacity() - end < maxAlignedFrameLength)
        {
            buffer.limit(end).position(start);
            buffer.compact();
            end -= start;
            start = 0;
        }
    }

    private void fail(final String detail)
    {
        finished = true;
        connection.protocolErrorFromAnyThread(ErrorCode.MALFORMED_FRAME, detail);
    }
}
