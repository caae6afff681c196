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

    /** Bytes of a frame needed to check its length and version. */
    static final int HEADER_CHECK_LENGTH = VERSION_OFFSET + 1;

    private final FrameSink sink;
    private final int maxFrameLength;
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private boolean paused;
    private boolean failed;
    private boolean inactivePending;
    private boolean handedOver;
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
        if (handedOver)
        {
            // Another thread reads this socket now: bytes read here too would reach subscribers out of order.
            in.release();
            fail(ErrorCode.GENERIC_ERROR, "read by the event loop after reading was handed to the poller");
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
        while (!paused && !failed && in.readableBytes() >= HEADER_CHECK_LENGTH)
        {
            final int index = in.readerIndex();
            final String headerError = headerError(in, index, maxFrameLength);
            if (headerError != null)
            {
                fail(ErrorCode.MALFORMED_FRAME, headerError);
                return;
            }
            final int frameLength = in.getIntLE(index + LENGTH_OFFSET);
            if (in.readableBytes() < alignedLength(frameLength))
            {
                break;
            }
            final int type = in.getUnsignedShortLE(index + TYPE_OFFSET);
            if (!FrameDescriptor.isKnownType(type))
            {
                fail(ErrorCode.MALFORMED_FRAME, unknownTypeError(type));
                return;
            }
            if (!sink.onFrame(in, index, frameLength, type))
            {
                paused = true;
                ctx.channel().config().setAutoRead(false);
                break;
            }
            in.skipBytes(alignedLength(frameLength));
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

    /**
     * The checks a frame's first {@link #HEADER_CHECK_LENGTH} bytes must pass before its length can be trusted to
     * buffer the rest; shared with the poller's own reading ({@link PolledFrameReader}).
     *
     * @param in             holding at least {@link #HEADER_CHECK_LENGTH} bytes of the frame.
     * @param index          of the frame.
     * @param maxFrameLength longest frame accepted, header included.
     * @return what is wrong, as {@code what: key=value}, or null when the length and version are valid.
     */
    static String headerError(final ByteBuf in, final int index, final int maxFrameLength)
    {
        final int frameLength = in.getIntLE(index + LENGTH_OFFSET);
        if (frameLength < HEADER_LENGTH || frameLength > maxFrameLength)
        {
            return "frame length out of range: length=" + frameLength + ", min=" + HEADER_LENGTH +
                ", max=" + maxFrameLength;
        }
        final int version = in.getUnsignedByte(index + VERSION_OFFSET);
        if (version != FrameDescriptor.CURRENT_VERSION)
        {
            return "unknown frame version: version=" + version + ", supported=" + FrameDescriptor.CURRENT_VERSION;
        }
        return null;
    }

    /**
     * @param type of a whole frame, not {@link FrameDescriptor#isKnownType known}.
     * @return the protocol error's detail.
     */
    static String unknownTypeError(final int type)
    {
        return "unknown frame type: type=" + type;
    }

    /**
     * @param bufferedBytes left over when the peer closed.
     * @return the protocol error's detail.
     */
    static String truncatedError(final int bufferedBytes)
    {
        return "connection closed inside a frame: bufferedBytes=" + bufferedBytes;
    }

    /**
     * Stop decoding for good and give up what is buffered, the start of a frame not yet whole, to the thread that
     * reads the socket from now on. Must run on the channel's event loop, between reads, while not paused.
     *
     * @return the buffered bytes, which the caller must release, or null.
     */
    ByteBuf handOver()
    {
        handedOver = true;
        final ByteBuf rest = cumulation;
        cumulation = null;
        return rest;
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
            fail(ErrorCode.MALFORMED_FRAME, truncatedError(cumulation.readableBytes()));
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
