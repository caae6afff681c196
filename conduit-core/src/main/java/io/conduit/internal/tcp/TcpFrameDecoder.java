package io.conduit.internal.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_OFFSET;
import static io.conduit.internal.FrameDescriptor.VERSION_OFFSET;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * Splits a TCP byte stream into frames (see {@link FrameDescriptor}) and hands each whole, validated frame to a
 * {@link FrameSink}, in place, without copying.
 * <p>
 * A frame whose length is out of range, whose version is not {@link FrameDescriptor#CURRENT_VERSION} or whose type
 * is unknown is a protocol error, reported to the sink, after which nothing more is decoded. Buffered bytes never
 * exceed the longest frame plus one read. When the sink cannot take a frame (its subscriber is behind), decoding
 * pauses with the frame still buffered, reading from the socket stops, and {@link #resume} continues; a close
 * by the peer waits until the frames before it are delivered.
 */
public final class TcpFrameDecoder extends ChannelInboundHandlerAdapter
{
    /**
     * Receives the frames of one connection.
     */
    public interface FrameSink
    {
        /**
         * @param buffer      holding the frame, little-endian accessors ({@code getIntLE}) give its fields.
         * @param index       of the frame in the buffer.
         * @param frameLength unpadded length of the frame.
         * @param type        of the frame, already known to be valid.
         * @return true when the frame was handled, false to pause and be offered the same frame after
         * {@link #resume}.
         */
        boolean onFrame(ByteBuf buffer, int index, int frameLength, int type);

        /**
         * A batch of frames was handed over: the end of one read's worth, or of a pause.
         */
        default void onFramesHandled()
        {
        }

        /**
         * The peer broke the protocol; the decoder stops. The sink is expected to close the connection.
         *
         * @param code   what was wrong.
         * @param detail {@code what: key=value} description.
         */
        void onProtocolError(ErrorCode code, String detail);
    }

    private final FrameSink sink;
    private final int maxFrameLength;
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private boolean paused;
    private boolean failed;
    private boolean inactivePending;
    private final Runnable notifyTask = this::notifyFramesHandled;
    private boolean framesHandled;

    /**
     * @param sink           to hand frames to.
     * @param maxFrameLength longest frame accepted, header included.
     */
    public TcpFrameDecoder(final FrameSink sink, final int maxFrameLength)
    {
        this.sink = sink;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final ByteBuf in = (ByteBuf)msg;
        if (failed)
        {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        decode();
    }

    private void notifyFramesHandled()
    {
        if (framesHandled)
        {
            framesHandled = false;
            sink.onFramesHandled();
        }
    }

    /**
     * @return true while decoding waits for the sink to make room.
     */
    public boolean isPaused()
    {
        return paused;
    }

    /**
     * @return bytes received and not yet handed to the sink.
     */
    public int bufferedBytes()
    {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /**
     * Continue after the sink refused a frame. Must run on the channel's event loop.
     */
    public void resume()
    {
        if (!paused || ctx == null)
        {
            return;
        }
        paused = false;
        decode();
        if (paused)
        {
            return;
        }
        if (inactivePending)
        {
            inactivePending = false;
            finishInput();
        }
        else if (!failed)
        {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void decode()
    {
        final ByteBuf in = cumulation;
        final int startIndex = in.readerIndex();
        while (!paused && !failed && in.readableBytes() >= VERSION_OFFSET + 1)
        {
            final int index = in.readerIndex();
            final int frameLength = in.getIntLE(index + LENGTH_OFFSET);
            if (frameLength < HEADER_LENGTH || frameLength > maxFrameLength)
            {
                fail(ErrorCode.MALFORMED_FRAME, "frame length out of range: length=" + frameLength +
                    ", min=" + HEADER_LENGTH + ", max=" + maxFrameLength);
                return;
            }
            final int version = in.getUnsignedByte(index + VERSION_OFFSET);
            if (version != FrameDescriptor.CURRENT_VERSION)
            {
                fail(ErrorCode.MALFORMED_FRAME, "unknown frame version: version=" + version +
                    ", supported=" + FrameDescriptor.CURRENT_VERSION);
                return;
            }
            final int alignedLength = alignedLength(frameLength);
            if (in.readableBytes() < alignedLength)
            {
                break;
            }
            final int type = in.getUnsignedShortLE(index + TYPE_OFFSET);
            if (!FrameDescriptor.isKnownType(type))
            {
                fail(ErrorCode.MALFORMED_FRAME, "unknown frame type: type=" + type);
                return;
            }
            if (!sink.onFrame(in, index, frameLength, type))
            {
                paused = true;
                ctx.channel().config().setAutoRead(false);
                break;
            }
            in.skipBytes(alignedLength);
        }
        if (in.readerIndex() != startIndex || paused)
        {
            // The sink hears of frames once per turn of the event loop, by a task that runs after this turn's
            // reads, however many there were: a poller blocked on them is woken once, not once per read.
            if (!framesHandled)
            {
                framesHandled = true;
                ctx.executor().execute(notifyTask);
            }
        }
        if (!in.isReadable())
        {
            cumulation.release();
            cumulation = null;
        }
        else if (in.readerIndex() > 0 && in.writerIndex() > in.capacity() / 2)
        {
            in.discardSomeReadBytes();
        }
    }

    private void fail(final ErrorCode code, final String detail)
    {
        failed = true;
        sink.onProtocolError(code, detail);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        release();
    }

    /**
     * The peer closed. Frames already received are still delivered: while paused, the close waits until they
     * are. Bytes left over that do not make a whole frame are a truncated frame, a protocol error.
     */
    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (paused)
        {
            inactivePending = true;
            return;
        }
        finishInput();
    }

    private void finishInput()
    {
        notifyFramesHandled();
        if (!failed && cumulation != null && cumulation.isReadable())
        {
            fail(ErrorCode.MALFORMED_FRAME, "connection closed inside a frame: bufferedBytes=" +
                cumulation.readableBytes());
        }
        release();
        ctx.fireChannelInactive();
    }

    private void release()
    {
        if (cumulation != null)
        {
            cumulation.release();
            cumulation = null;
        }
        paused = false;
    }
}
