package io.conduit.internal.shm;

import java.nio.ByteBuffer;

import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.ErrorCode;
import io.conduit.MessageHandler;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.MessageAssembler;
import io.conduit.internal.MessageDelivery;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.TYPE_PAD;
import static io.conduit.internal.FrameDescriptor.UNFRAGMENTED;
import static io.conduit.internal.shm.LogDescriptor.SLOT_MESSAGES_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_STATE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_TROUBLE_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.STATE_ACTIVE;

/**
 * Reads one subscriber's way through a log: every committed frame in position order, handing messages to a
 * handler straight from the shared buffer (reassembling fragmented ones), then publishing the new position so
 * publishers may reuse the space. Not thread-safe: one thread polls a reader.
 */
public final class LogReader
{
    private final LogBuffer log;
    private final ByteBuffer buffer;
    private final ByteBuffer handlerView;
    private final int slot;
    private final int capacity;
    private final MessageAssembler assembler;
    private final Counters counters;
    private final MessageDelivery delivery;
    private final String description;
    private long position;
    private long messages;

    /**
     * @param log              to read.
     * @param slot             offset of this subscriber's slot, active at {@code position}.
     * @param position         to start from.
     * @param maxMessageLength longest message to reassemble.
     * @param counters         to count into.
     * @param description      names the log in errors.
     */
    public LogReader(
        final LogBuffer log,
        final int slot,
        final long position,
        final int maxMessageLength,
        final Counters counters,
        final String description)
    {
        this.log = log;
        this.buffer = log.buffer();
        this.handlerView = log.buffer().asReadOnlyBuffer();
        this.slot = slot;
        this.capacity = log.capacity();
        this.position = position;
        this.assembler = new MessageAssembler(maxMessageLength, counters);
        this.counters = counters;
        this.description = description;
        this.delivery = new MessageDelivery(log.streamId(), counters);
    }

    /**
     * @return true while other processes count this subscriber as live.
     */
    public boolean isActive()
    {
        return log.longOpaque(slot + SLOT_STATE_OFFSET) == STATE_ACTIVE;
    }

    /**
     * @return the position up to which this reader has read.
     */
    public long position()
    {
        return position;
    }

    /**
     * Continue from a new position after an eviction, counting what was skipped.
     *
     * @param newPosition to continue from.
     */
    public void rejoinedAt(final long newPosition)
    {
        log.longOpaque(slot + SLOT_TROUBLE_OFFSET, log.longOpaque(slot + SLOT_TROUBLE_OFFSET) + newPosition - position);
        position = newPosition;
        assembler.discardAll();
    }

    /**
     * @param handler      for each message.
     * @param messageLimit most messages to deliver.
     * @return messages delivered.
     * @throws ConduitException when the log holds a frame no publisher could have written.
     */
    public int poll(final MessageHandler handler, final int messageLimit)
    {
        try
        {
            return pollFrames(handler, messageLimit);
        }
        finally
        {
            delivery.flushCounts();
        }
    }

    private int pollFrames(final MessageHandler handler, final int messageLimit)
    {
        final long start = position;
        long position = start;
        int delivered = 0;
        while (delivered < messageLimit)
        {
            final int index = log.indexOf(position);
            final long head = log.frameHeadAcquire(index);
            final int frameLength = LogBuffer.frameLength(head);
            if (frameLength == 0)
            {
                break;
            }
            // The ring's rest is a multiple of the alignment, so the aligned length fits it when the length does;
            // checking the length cannot overflow, as aligning a length near 2^31 would.
            if (frameLength < HEADER_LENGTH || frameLength > capacity - (index - log.dataOffset()))
            {
                throw corrupt(position, frameLength);
            }
            final int type = LogBuffer.frameType(head);
            final byte flags = LogBuffer.frameFlags(head);
            if (type == TYPE_DATA && (flags & UNFRAGMENTED) == UNFRAGMENTED)
            {
                // The common case, kept in this loop: the rest of the header, read after the acquire, then the
                // handler, straight from the shared buffer.
                delivery.deliver(handler, handlerView, index + HEADER_LENGTH, frameLength - HEADER_LENGTH,
                    FrameDescriptor.sessionId(buffer, index), FrameDescriptor.sequence(buffer, index),
                    FrameDescriptor.timestampNs(buffer, index));
                delivered++;
            }
            else
            {
                delivered += onOtherFrame(handler, position, index, frameLength, type, flags);
            }
            position += LogDescriptor.alignedLength(frameLength);
        }
        if (position != start)
        {
            this.position = position;
            log.longRelease(slot + SLOT_POSITION_OFFSET, position);
            // Without a branch for passing only a pad frame, which happens too rarely to be compiled in (see
            // ShmWarmUp): the count is written even when it did not change.
            messages += delivered;
            log.longOpaque(slot + SLOT_MESSAGES_OFFSET, messages);
        }
        return delivered;
    }

    /**
     * A fragment or a pad.
     *
     * @return messages delivered: 1 when the frame completed a message.
     */
    private int onOtherFrame(
        final MessageHandler handler,
        final long position,
        final int index,
        final int frameLength,
        final int type,
        final byte flags)
    {
        if (type == TYPE_DATA)
        {
            final int sessionId = FrameDescriptor.sessionId(buffer, index);
            final long sequence = FrameDescriptor.sequence(buffer, index);
            final int length = assembler.onFragment(
                sessionId, sequence, flags, buffer, index + HEADER_LENGTH, frameLength - HEADER_LENGTH);
            if (length < 0)
            {
                return 0;
            }
            return deliver(handler, assembler.completedBuffer(), 0, length, sessionId, sequence,
                FrameDescriptor.timestampNs(buffer, index));
        }
        if (type != TYPE_PAD)
        {
            throw corrupt(position, frameLength);
        }
        if (assembler.hasInProgress())
        {
            // A message's fragments are contiguous, so a pad inside one means its publisher died mid-message.
            assembler.discardAll();
        }
        return 0;
    }

    private int deliver(
        final MessageHandler handler,
        final ByteBuffer source,
        final int offset,
        final int length,
        final int sessionId,
        final long sequence,
        final long timestampNs)
    {
        delivery.deliver(handler, source, offset, length, sessionId, sequence, timestampNs);
        return 1;
    }

    private ConduitException corrupt(final long position, final int frameLength)
    {
        counters.increment(Counter.PROTOCOL_ERRORS);
        return new ConduitException(ErrorCode.INVALID_LOG, "corrupt frame in shared-memory log: " + description +
            ", position=" + position + ", frameLength=" + frameLength);
    }
}
