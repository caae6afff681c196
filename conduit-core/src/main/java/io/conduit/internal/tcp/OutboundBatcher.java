package io.conduit.internal.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

import io.conduit.Publication;
import io.conduit.internal.AbstractPublication;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * Batches the frames of one connection so that many small messages go out in one write, within a bounded window.
 * <p>
 * Any thread appends frames under a lock into the filling buffer; the first append after a flush schedules one
 * flush on the channel's event loop, which swaps the filling buffer with a spare, copies what it holds into a
 * pooled Netty buffer and writes it. An offer is back-pressured when the filling buffer has no room for the whole
 * message or when Netty's outbound buffer is above its high-water mark, so memory stays bounded by two batch
 * buffers, the high-water mark, and one message too large for a batch (accepted only when nothing else waits).
 * <p>
 * Where the channel allows it ({@link DirectWriteSocketChannel}), the offering thread writes to the socket itself
 * when the connection is idle, so a sparse stream never waits for the event loop to wake. A busy stream is
 * written by the event loop only: it writes when the socket has room (Netty waits for writability after a
 * partial write), so writes stay large. Writing a busy stream from the offering thread as well was measured to
 * hit a socket the event loop had just filled, a few kilobytes per write, and to halve throughput.
 */
final class OutboundBatcher
{
    /** Offers closer together than this are batched for the event loop rather than written directly. */
    private static final long DIRECT_WRITE_GAP_NS = 5_000;
    /** After a refused offer the stream is busy, not idle, for this long: it waits for the peer, not for data. */
    private static final long BUSY_AFTER_REFUSAL_NS = 1_000_000;
    /** Room kept for heartbeats and other control frames between a fan-out check and its append. */
    private static final int CONTROL_RESERVE_BYTES = 256;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(FrameDescriptor.FRAME_ALIGNMENT);

    private final Channel channel;
    private final LongConsumer onWrite;
    private final DirectWriteSocketChannel directChannel;
    private final int batchCapacity;
    private final Runnable flushTask = this::flush;
    private Batch filling;
    private Batch spare;
    private ByteBuffer oversized;
    private int flushedTo;
    private long handOffBytes;
    private long lastAppendNs;
    private long lastRefusalNs;
    private int appendsSinceEmpty;
    private boolean flushScheduled;
    private boolean closed;

    /**
     * @param channel      to write to.
     * @param windowBytes  the window: a quarter for each batch buffer, half for Netty's high-water mark.
     * @param maxFrameLength longest frame, which a batch buffer must hold.
     * @param directWrites true to let idle offers write to the socket themselves, where the channel can.
     * @param onWrite      told the {@link System#nanoTime()} of each write, from whichever thread makes it.
     */
    OutboundBatcher(
        final Channel channel,
        final int windowBytes,
        final int maxFrameLength,
        final boolean directWrites,
        final LongConsumer onWrite)
    {
        this.channel = channel;
        this.onWrite = onWrite;
        this.directChannel = directWrites && channel instanceof DirectWriteSocketChannel ?
            (DirectWriteSocketChannel)channel : null;
        this.batchCapacity = Math.max(alignedLength(maxFrameLength), alignedLength(windowBytes / 4));
        this.filling = new Batch(batchCapacity);
        this.spare = new Batch(batchCapacity);
        // As if the last refusal and the last offer were long ago, wherever nanoTime starts.
        this.lastAppendNs = System.nanoTime() - DIRECT_WRITE_GAP_NS - 1;
        this.lastRefusalNs = System.nanoTime() - BUSY_AFTER_REFUSAL_NS - 1;
    }

    /** A batch buffer, and a view of it for writing out without disturbing it. */
    private static final class Batch
    {
        final ByteBuffer buffer;
        final ByteBuffer view;

        Batch(final int capacity)
        {
            buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            view = buffer.duplicate();
        }
    }

    /**
     * Append a message as one or more DATA frames.
     *
     * @return the bytes appended (positive), or {@link Publication#BACK_PRESSURED}, or
     * {@link Publication#NOT_CONNECTED} when closed.
     */
    long appendMessage(
        final int streamId,
        final int sessionId,
        final long sequence,
        final long timestampNs,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final int maxPayload,
        final boolean approved)
    {
        final boolean schedule;
        final long framedLength = framedLength(length, maxPayload);
        synchronized (this)
        {
            if (closed)
            {
                return Publication.NOT_CONNECTED;
            }
            final ByteBuffer buffer = reserve(framedLength, approved);
            if (buffer == null)
            {
                // The next offers retry after waiting; their gap is back-pressure, not a sparse stream.
                lastRefusalNs = System.nanoTime();
                return Publication.BACK_PRESSURED;
            }
            final boolean idle = isIdle();
            if (appendsSinceEmpty < Integer.MAX_VALUE)
            {
                appendsSinceEmpty++;
            }
            int written = 0;
            do
            {
                final int chunk = Math.min(maxPayload, length - written);
                final byte flags = FrameDescriptor.fragmentFlags(written, chunk, length);
                final int index = buffer.position();
                FrameDescriptor.writeHeader(
                    buffer, index, flags, TYPE_DATA, streamId, sessionId, sequence, timestampNs);
                AbstractPublication.copy(buffer, index + HEADER_LENGTH, srcBuffer, srcArray, offset + written, chunk);
                finishFrame(buffer, index, HEADER_LENGTH + chunk);
                written += chunk;
            }
            while (written < length);
            schedule = !(idle && writeDirect()) && scheduleFlush();
        }
        if (schedule)
        {
            channel.eventLoop().execute(flushTask);
        }
        return framedLength;
    }

    /**
     * Append a control frame with an optional payload, such as a heartbeat or an error. Not subject to Netty's
     * high-water mark: control frames are small and rare.
     *
     * @return true when appended, false when closed or the batch buffer is full.
     */
    boolean appendControl(final int type, final int streamId, final int sessionId, final ByteBuffer payload)
    {
        final int payloadLength = payload == null ? 0 : payload.remaining();
        final boolean schedule;
        synchronized (this)
        {
            final ByteBuffer buffer = filling.buffer;
            if (closed || oversized != null || buffer.remaining() < alignedLength(HEADER_LENGTH + payloadLength))
            {
                return false;
            }
            final int index = buffer.position();
            FrameDescriptor.writeHeader(buffer, index, (byte)0, type, streamId, sessionId, 0, 0);
            if (payload != null)
            {
                buffer.put(index + HEADER_LENGTH, payload, payload.position(), payloadLength);
            }
            finishFrame(buffer, index, HEADER_LENGTH + payloadLength);
            schedule = scheduleFlush();
        }
        if (schedule)
        {
            channel.eventLoop().execute(flushTask);
        }
        return true;
    }

    /**
     * A fan-out publication checks every connection with this, then appends with {@code approved}, so that the
     * message goes to all or none: room for it stays, whatever heartbeats the event loop appends meanwhile.
     *
     * @return true when a message of this length would be appended now rather than back-pressured.
     */
    synchronized boolean canAppend(final int length, final int maxPayload)
    {
        if (closed || !channel.isWritable() || oversized != null)
        {
            return false;
        }
        final long framedLength = framedLength(length, maxPayload);
        // Leave room for the control frames the event loop may append before the message does.
        return framedLength + CONTROL_RESERVE_BYTES <= filling.buffer.remaining() ||
            (framedLength > batchCapacity && isEmpty());
    }

    /**
     * Stop accepting frames. What is appended may still be flushed.
     */
    synchronized void close()
    {
        closed = true;
    }

    /**
     * Copy everything appended so far into a pooled buffer and write it. Runs on the event loop.
     */
    void flush()
    {
        final Batch out;
        final int from;
        final int to;
        final ByteBuffer large;
        synchronized (this)
        {
            flushScheduled = false;
            large = oversized;
            oversized = null;
            from = flushedTo;
            to = filling.buffer.position();
            if (large == null && to == from)
            {
                return;
            }
            if (!channel.isActive())
            {
                // Nothing can be written any more; the connection's loss is reported where it closed.
                filling.buffer.clear();
                flushedTo = 0;
                return;
            }
            // Flushes run one at a time on the event loop, so the spare is always back by now.
            out = filling;
            filling = spare;
            spare = null;
            flushedTo = 0;
            handOffBytes = (long)(to - from) + (large == null ? 0 : large.position());
        }
        if (to > from)
        {
            channel.write(copyOf(out.view.limit(to).position(from)), channel.voidPromise());
        }
        if (large != null)
        {
            channel.write(copyOf(large.flip()), channel.voidPromise());
        }
        out.buffer.clear();
        synchronized (this)
        {
            spare = out;
            handOffBytes = 0;
        }
        channel.flush();
        onWrite.accept(System.nanoTime());
    }

    private ByteBuf copyOf(final ByteBuffer source)
    {
        final ByteBuf copy = channel.alloc().directBuffer(source.remaining());
        copy.writeBytes(source);
        return copy;
    }

    /**
     * @return the buffer to write a message of this framed length to, or null to back-pressure.
     */
    private ByteBuffer reserve(final long framedLength, final boolean approved)
    {
        // An append approved by canAppend goes ahead even if Netty's soft high-water mark was crossed since.
        if (oversized != null || (!approved && !channel.isWritable()))
        {
            return null;
        }
        if (framedLength <= filling.buffer.remaining())
        {
            return filling.buffer;
        }
        if (framedLength > batchCapacity && framedLength <= Integer.MAX_VALUE && isEmpty())
        {
            oversized = ByteBuffer.allocate((int)framedLength).order(ByteOrder.LITTLE_ENDIAN);
            return oversized;
        }
        return null;
    }

    private boolean isEmpty()
    {
        return filling.buffer.position() == flushedTo && handOffBytes == 0 && oversized == null && outboundBytes() == 0;
    }

    /**
     * A connection with nothing waiting whose last offer was a while ago is idle: writing the next message
     * straight from the offering thread saves waking the event loop, the largest cost on a sparse stream. Under
     * load, offers batch up for the event loop instead, so one write carries many messages.
     * <p>
     * A stream is sparse when the batch went out carrying only the one message the previous empty-batch offer
     * put there; a busy stream's batches carry many, and a pause in it (the offering thread descheduled, or
     * waiting out back-pressure) does not make its next message a write of its own.
     */
    private boolean isIdle()
    {
        if (directChannel == null)
        {
            return false;
        }
        if (oversized != null || !isEmpty())
        {
            return false;
        }
        final boolean sparse = appendsSinceEmpty <= 1;
        appendsSinceEmpty = 0;
        // Only an append to an empty batch reads the clock: under load the batch is rarely empty.
        final long nowNs = System.nanoTime();
        final boolean idle = sparse && nowNs - lastAppendNs > DIRECT_WRITE_GAP_NS &&
            nowNs - lastRefusalNs > BUSY_AFTER_REFUSAL_NS;
        lastAppendNs = nowNs;
        return idle;
    }

    /**
     * @return true when everything appended was written; otherwise the rest waits for a flush.
     */
    private boolean writeDirect()
    {
        final ByteBuffer view = filling.view;
        view.limit(filling.buffer.position()).position(flushedTo);
        try
        {
            flushedTo += directChannel.writeDirect(view);
            onWrite.accept(lastAppendNs);
        }
        catch (final IOException ex)
        {
            // Leave the bytes queued: the event loop's write meets the same error and closes the connection.
            return false;
        }
        if (flushedTo == filling.buffer.position())
        {
            filling.buffer.clear();
            flushedTo = 0;
            return true;
        }
        return false;
    }

    private long outboundBytes()
    {
        final ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }

    private static long framedLength(final int length, final int maxPayload)
    {
        if (length <= maxPayload)
        {
            return alignedLength(HEADER_LENGTH + length);
        }
        final int fullFrames = length / maxPayload;
        final int rest = length % maxPayload;
        return (long)fullFrames * alignedLength(HEADER_LENGTH + maxPayload) +
            (rest == 0 ? 0 : alignedLength(HEADER_LENGTH + rest));
    }

    private static void finishFrame(final ByteBuffer buffer, final int index, final int frameLength)
    {
        buffer.putInt(index + LENGTH_OFFSET, frameLength);
        final int aligned = alignedLength(frameLength);
        if (aligned != frameLength)
        {
            buffer.put(index + frameLength, ZEROES, 0, aligned - frameLength);
        }
        buffer.position(index + aligned);
    }

    private boolean scheduleFlush()
    {
        if (flushScheduled)
        {
            return false;
        }
        flushScheduled = true;
        return true;
    }
}
