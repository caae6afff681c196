package io.conduit.internal.tcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import io.conduit.Publication;
import io.conduit.internal.AbstractPublication;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.BEGIN_FLAG;
import static io.conduit.internal.FrameDescriptor.END_FLAG;
import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.LENGTH_OFFSET;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.alignedLength;

/**
 * Batches the frames of one connection so that many small messages go out in one write, within a fixed window.
 * <p>
 * Any thread appends frames under a lock into a small pool of batch buffers; the first append after a flush
 * schedules one flush task on the channel's event loop, which writes everything appended so far. A buffer goes
 * back to the pool when it is full and all its writes completed. When the pool has no room for a whole message,
 * the offer is back-pressured and nothing of it is written. A message larger than the whole window is accepted
 * only when nothing else is buffered, into a buffer of its own: memory stays bounded by the window plus one
 * message.
 */
final class OutboundBatcher
{
    private static final int BATCH_COUNT = 8;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(FrameDescriptor.FRAME_ALIGNMENT);

    /** One buffer of the pool: filled up to its position, written up to {@code flushedTo}. */
    private static final class Batch
    {
        final ByteBuffer buffer;
        final boolean pooled;
        int flushedTo;
        int writesInFlight;
        boolean queued;
        boolean sealed;

        final ByteBuffer writeView;

        Batch(final ByteBuffer buffer, final boolean pooled)
        {
            this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
            this.writeView = buffer.duplicate();
            this.pooled = pooled;
        }
    }

    /** Offers closer together than this are batched for the event loop rather than written directly. */
    private static final long DIRECT_WRITE_GAP_NS = 5_000;

    private final Channel channel;
    private final DirectWriteSocketChannel directChannel;
    private final int batchCapacity;
    private final ArrayDeque<Batch> free = new ArrayDeque<>(BATCH_COUNT);
    private final ArrayDeque<Batch> unflushed = new ArrayDeque<>(BATCH_COUNT + 1);
    private final Runnable flushTask = this::flush;
    private Batch current;
    private long pendingBytes;
    private long lastAppendNs;
    private boolean flushScheduled;
    private boolean closed;

    /**
     * @param channel        to write to.
     * @param windowBytes    most bytes buffered, split into a pool of batches.
     * @param maxFrameLength longest frame, which every batch must hold.
     * @param directWrites   true to let idle offers write to the socket themselves, where the channel can.
     */
    OutboundBatcher(final Channel channel, final int windowBytes, final int maxFrameLength, final boolean directWrites)
    {
        this.channel = channel;
        this.directChannel = directWrites && channel instanceof DirectWriteSocketChannel ?
            (DirectWriteSocketChannel)channel : null;
        this.batchCapacity = Math.max(alignedLength(maxFrameLength), alignedLength(windowBytes / BATCH_COUNT));
        for (int i = 0; i < BATCH_COUNT; i++)
        {
            free.add(new Batch(ByteBuffer.allocateDirect(batchCapacity), true));
        }
    }

    /**
     * Append a message as one or more DATA frames.
     *
     * @return the bytes appended (positive), or {@link Publication#BACK_PRESSURED} or
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
        final int maxPayload)
    {
        final boolean schedule;
        final long framedLength;
        synchronized (this)
        {
            if (closed)
            {
                return Publication.NOT_CONNECTED;
            }
            framedLength = framedLength(length, maxPayload);
            if (!ensureRoom(length, maxPayload, framedLength))
            {
                return Publication.BACK_PRESSURED;
            }
            final boolean wasIdle = isIdleForDirectWrite();
            int written = 0;
            do
            {
                final int chunk = Math.min(maxPayload, length - written);
                byte flags = 0;
                if (written == 0)
                {
                    flags |= BEGIN_FLAG;
                }
                if (written + chunk == length)
                {
                    flags |= END_FLAG;
                }
                final ByteBuffer buffer = batchFor(HEADER_LENGTH + chunk);
                final int index = buffer.position();
                FrameDescriptor.writeHeader(buffer, index, flags, TYPE_DATA, streamId, sessionId, sequence, timestampNs);
                AbstractPublication.copy(buffer, index + HEADER_LENGTH, srcBuffer, srcArray, offset + written, chunk);
                finishFrame(buffer, index, HEADER_LENGTH + chunk);
                written += chunk;
            }
            while (written < length);
            schedule = !writeDirectIfIdle(wasIdle) && scheduleFlush();
        }
        if (schedule)
        {
            channel.eventLoop().execute(flushTask);
        }
        return framedLength;
    }

    /**
     * A connection with nothing queued whose last offer was a while ago is idle: writing the next message
     * straight from the offering thread saves waking the event loop, the largest cost on a sparse stream. Under
     * load, offers batch up for the event loop instead, so one write carries many messages.
     */
    private boolean isIdleForDirectWrite()
    {
        if (directChannel == null)
        {
            return false;
        }
        final long nowNs = System.nanoTime();
        final boolean idle = pendingBytes == 0 && nowNs - lastAppendNs > DIRECT_WRITE_GAP_NS;
        lastAppendNs = nowNs;
        return idle;
    }

    /**
     * @return true when everything appended was written, or will be by the flush already scheduled.
     */
    private boolean writeDirectIfIdle(final boolean wasIdle)
    {
        if (!wasIdle || unflushed.size() != 1)
        {
            return false;
        }
        final Batch batch = unflushed.peekFirst();
        final ByteBuffer view = batch.writeView;
        view.limit(batch.buffer.position()).position(batch.flushedTo);
        int written;
        try
        {
            written = directChannel.writeDirect(view);
        }
        catch (final java.io.IOException ex)
        {
            // Leave the bytes queued: the event loop's write meets the same error and closes the connection.
            written = 0;
        }
        batch.flushedTo += written;
        pendingBytes -= written;
        if (batch.flushedTo == batch.buffer.position())
        {
            unflushed.pollFirst();
            batch.queued = false;
            recycleIfDone(batch);
            return true;
        }
        return false;
    }

    /**
     * Append a control frame with an optional payload, such as a heartbeat or an error.
     *
     * @return true when appended, false when closed or the window is full.
     */
    boolean appendControl(final int type, final int streamId, final int sessionId, final ByteBuffer payload)
    {
        final int payloadLength = payload == null ? 0 : payload.remaining();
        final boolean schedule;
        synchronized (this)
        {
            if (closed || !ensureRoom(payloadLength, batchCapacity, alignedLength(HEADER_LENGTH + payloadLength)))
            {
                return false;
            }
            final ByteBuffer buffer = batchFor(HEADER_LENGTH + payloadLength);
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
     * Stop accepting frames. What is appended but not yet written may still be flushed.
     */
    synchronized void close()
    {
        closed = true;
    }

    /**
     * @return true when every appended byte has been written to the socket.
     */
    synchronized boolean isDrained()
    {
        return pendingBytes == 0;
    }

    /**
     * Write everything appended so far, one write per batch with unflushed bytes. Runs on the event loop.
     */
    void flush()
    {
        boolean wrote = false;
        while (true)
        {
            final Batch batch;
            final int from;
            final int to;
            synchronized (this)
            {
                flushScheduled = false;
                batch = unflushed.pollFirst();
                if (batch == null)
                {
                    break;
                }
                batch.queued = false;
                from = batch.flushedTo;
                to = batch.buffer.position();
                batch.flushedTo = to;
                batch.writesInFlight++;
            }
            final int length = to - from;
            channel.write(Unpooled.wrappedBuffer(batch.buffer.slice(from, length)))
                .addListener(future -> onWritten(batch, length));
            wrote = true;
        }
        if (wrote)
        {
            channel.flush();
        }
    }

    private synchronized void onWritten(final Batch batch, final int length)
    {
        batch.writesInFlight--;
        pendingBytes -= length;
        recycleIfDone(batch);
    }

    private static long framedLength(final int length, final int maxPayload)
    {
        if (length == 0)
        {
            return alignedLength(HEADER_LENGTH);
        }
        final int fullFrames = length / maxPayload;
        final int rest = length % maxPayload;
        return (long)fullFrames * alignedLength(HEADER_LENGTH + maxPayload) +
            (rest == 0 ? 0 : alignedLength(HEADER_LENGTH + rest));
    }

    /**
     * @return true when a message of this length would be appended now rather than back-pressured.
     */
    synchronized boolean canAppend(final int length, final int maxPayload)
    {
        if (closed)
        {
            return false;
        }
        final long framedLength = framedLength(length, maxPayload);
        return fits(length, maxPayload) || (pendingBytes == 0 && framedLength > batchCapacity);
    }

    /**
     * Make sure the whole message fits, fragment by fragment, in the current batch and the free ones, or take a
     * batch of its own when nothing else is buffered.
     */
    private boolean ensureRoom(final int length, final int maxPayload, final long framedLength)
    {
        return fits(length, maxPayload) || takeOwnBatchIfIdle(framedLength);
    }

    private boolean fits(final int length, final int maxPayload)
    {
        int remaining = current == null ? 0 : current.buffer.remaining();
        int freeBatches = free.size();
        int left = length;
        do
        {
            final int frame = alignedLength(HEADER_LENGTH + Math.min(maxPayload, left));
            if (frame > remaining)
            {
                if (freeBatches == 0)
                {
                    return false;
                }
                freeBatches--;
                remaining = batchCapacity;
            }
            remaining -= frame;
            left -= Math.min(maxPayload, left);
        }
        while (left > 0);
        return true;
    }

    private boolean takeOwnBatchIfIdle(final long framedLength)
    {
        if (pendingBytes != 0 || framedLength <= batchCapacity || framedLength > Integer.MAX_VALUE)
        {
            return false;
        }
        sealCurrent();
        current = new Batch(ByteBuffer.allocate((int)framedLength), false);
        return true;
    }

    private ByteBuffer batchFor(final int frameLength)
    {
        if (current == null || current.buffer.remaining() < alignedLength(frameLength))
        {
            sealCurrent();
            current = free.poll();
        }
        return current.buffer;
    }

    private void sealCurrent()
    {
        if (current != null)
        {
            final Batch sealed = current;
            current = null;
            sealed.sealed = true;
            recycleIfDone(sealed);
        }
    }

    private void finishFrame(final ByteBuffer buffer, final int index, final int frameLength)
    {
        buffer.putInt(index + LENGTH_OFFSET, frameLength);
        final int aligned = alignedLength(frameLength);
        if (aligned != frameLength)
        {
            buffer.put(index + frameLength, ZEROES, 0, aligned - frameLength);
        }
        buffer.position(index + aligned);
        pendingBytes += aligned;
        if (!current.queued)
        {
            current.queued = true;
            unflushed.addLast(current);
        }
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

    private void recycleIfDone(final Batch batch)
    {
        if (batch.sealed && !batch.queued && batch.writesInFlight == 0)
        {
            batch.sealed = false;
            batch.flushedTo = 0;
            batch.buffer.clear();
            if (batch.pooled)
            {
                free.add(batch);
            }
        }
    }
}
