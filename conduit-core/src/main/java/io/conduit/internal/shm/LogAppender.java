package io.conduit.internal.shm;

import java.nio.ByteBuffer;

import io.conduit.Publication;
import io.conduit.internal.AbstractPublication;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.shm.LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_MESSAGES_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_TROUBLE_OFFSET;

/**
 * Appends one publisher's messages to a log: claim, write, commit (see {@link LogDescriptor}). Not thread-safe:
 * one thread appends at a time per appender; any number of appenders, in any processes, share a log.
 */
public final class LogAppender
{
    /**
     * How long a back-pressured appender leaves the cleaning to the subscribers before it tries again itself. The
     * slowest subscriber zeroes each chunk as it reads past it (see {@link LogCleaner#cleanBehind}), so an
     * appender only needs to clean to evict a dead subscriber or to finish a clean a subscriber lost to lock
     * contention. Trying more often races the subscriber for chunks it is about to zero from its own cache, and
     * pulls its slot and the clean lock's cache line away from it as it reads.
     */
    private static final long CLEAN_RETRY_NS = 50_000;

    private final LogBuffer log;
    private final LogCleaner cleaner;
    private final ByteBuffer buffer;
    private final int slot;
    private final int streamId;
    private final int sessionId;
    private final int maxPayloadLength;
    private final int capacity;
    private long backPressured;
    private long nextCleanAttemptNs = System.nanoTime();
    private long uncommitted;
    private long expectedTail;
    private long cleanLimit;

    /**
     * @param log              to append to.
     * @param cleaner          of that log.
     * @param slot             offset of this publisher's slot.
     * @param streamId         of the log.
     * @param sessionId        of the publisher.
     * @param maxPayloadLength longest payload of one frame; longer messages are fragmented.
     */
    public LogAppender(
        final LogBuffer log,
        final LogCleaner cleaner,
        final int slot,
        final int streamId,
        final int sessionId,
        final int maxPayloadLength)
    {
        this.log = log;
        this.cleaner = cleaner;
        this.buffer = log.buffer();
        this.slot = slot;
        this.streamId = streamId;
        this.sessionId = sessionId;
        this.maxPayloadLength = maxPayloadLength;
        this.capacity = log.capacity();
    }

    /**
     * @param length of a message.
     * @return the ring space the message takes, in frames.
     */
    public int framedLength(final int length)
    {
        if (length <= maxPayloadLength)
        {
            return LogDescriptor.alignedLength(HEADER_LENGTH + length);
        }
        final int fullFrames = length / maxPayloadLength;
        final int rest = length % maxPayloadLength;
        return fullFrames * LogDescriptor.alignedLength(HEADER_LENGTH + maxPayloadLength) +
            (rest == 0 ? 0 : LogDescriptor.alignedLength(HEADER_LENGTH + rest));
    }

    /**
     * Append a message.
     *
     * @param srcBuffer   holding the message, or null when {@code srcArray} does.
     * @param srcArray    holding the message, or null when {@code srcBuffer} does.
     * @param offset      of the message.
     * @param length      of the message; its framed length is at most a quarter of the capacity.
     * @param sequence    of the message.
     * @param timestampNs to stamp, or 0.
     * @return the position after the message, {@link Publication#BACK_PRESSURED} when the slowest subscriber
     * has not read far enough, or {@link Publication#NOT_CONNECTED} when there is no subscriber.
     */
    public long append(
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final long sequence,
        final long timestampNs)
    {
        if (cleaner.subscribers() <= 0)
        {
            return Publication.NOT_CONNECTED;
        }
        final int required = framedLength(length);
        // Guess that the tail is where this appender's last claim ended, as it is while it is the only one
        // appending: a wrong guess costs one failed exchange, which returns the tail.
        long tail = expectedTail;
        int padding;
        while (true)
        {
            final int ringOffset = (int)tail & (capacity - 1);
            padding = required > capacity - ringOffset ? capacity - ringOffset : 0;
            final long claimEnd = tail + padding + required;
            final long requiredLimit = LogCleaner.requiredLimit(claimEnd);
            // The clean limit only grows: a limit seen before is still good.
            if (requiredLimit > cleanLimit && requiredLimit > (cleanLimit = log.cleanLimitAcquire()))
            {
                final long refusal = makeRoom(requiredLimit);
                if (refusal < 0)
                {
                    return refusal;
                }
            }
            final long found = claim(tail, claimEnd);
            if (found == tail)
            {
                break;
            }
            tail = found;
        }
        final long position = tail + padding;
        final long messageEnd = position + required;
        expectedTail = messageEnd;
        if (padding > 0)
        {
            log.writePad(log.indexOf(tail), padding, streamId, sessionId);
        }
        uncommitted = position;
        try
        {
            if (length <= maxPayloadLength)
            {
                writeFrame(log.indexOf(position), FrameDescriptor.UNFRAGMENTED, srcBuffer, srcArray, offset, length,
                    sequence, timestampNs);
            }
            else
            {
                writeFragments(srcBuffer, srcArray, offset, length, sequence, timestampNs);
            }
        }
        catch (final Throwable ex)
        {
            abandon(messageEnd);
            throw ex;
        }
        // Not counted in the slot: the publication counts its messages anyway, and the conductor copies that count
        // to the slot with each heartbeat (see publishMessageCount).
        return messageEnd;
    }

    // The rare paths of append live in methods of their own, so that its hot path reads (and compiles) as one
    // short sequence: claim, frame, commit.

    /**
     * Record a claim in this appender's slot, then make it: the record comes first, so that a process that dies
     * holding the claim can be unblocked.
     *
     * @return the tail found: {@code tail} when the claim was made.
     */
    private long claim(final long tail, final long claimEnd)
    {
        log.longRelease(slot + SLOT_POSITION_OFFSET, tail);
        log.longRelease(slot + SLOT_CLAIM_LENGTH_OFFSET, claimEnd - tail);
        final long found = log.compareAndExchangeTail(tail, claimEnd);
        if (found != tail)
        {
            // Another publisher took that space, or the guess was wrong: this slot must not claim it.
            log.longRelease(slot + SLOT_CLAIM_LENGTH_OFFSET, 0);
        }
        return found;
    }

    /**
     * The clean limit is short of a claim: clean, unless that was tried too recently.
     *
     * @return 0 when the limit now allows the claim, else the code to return from the offer.
     */
    private long makeRoom(final long requiredLimit)
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextCleanAttemptNs < 0)
        {
            return refuse();
        }
        if (!cleaner.tryClean(requiredLimit))
        {
            nextCleanAttemptNs = nowNs + CLEAN_RETRY_NS;
            return refuse();
        }
        if (cleaner.subscribers() <= 0)
        {
            // Cleaning evicted the last subscriber.
            return Publication.NOT_CONNECTED;
        }
        cleanLimit = log.cleanLimitAcquire();
        return 0;
    }

    /**
     * Never leave a claim uncommitted in a live process: nobody would ever unblock it.
     */
    private void abandon(final long messageEnd)
    {
        log.writePad(log.indexOf(uncommitted), (int)(messageEnd - uncommitted), streamId, sessionId);
    }

    /**
     * Copy the count of messages this appender's publication sent to its slot, where {@code conduit stat} reads
     * it; called by the conductor, from any thread.
     *
     * @param messages sent so far.
     */
    public void publishMessageCount(final long messages)
    {
        log.longOpaque(slot + SLOT_MESSAGES_OFFSET, messages);
    }

    private long refuse()
    {
        if (cleaner.subscribers() <= 0)
        {
            return Publication.NOT_CONNECTED;
        }
        log.longOpaque(slot + SLOT_TROUBLE_OFFSET, ++backPressured);
        return Publication.BACK_PRESSURED;
    }

    private void writeFragments(
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final long sequence,
        final long timestampNs)
    {
        int written = 0;
        while (written < length)
        {
            final int chunk = Math.min(maxPayloadLength, length - written);
            final byte flags = FrameDescriptor.fragmentFlags(written, chunk, length);
            writeFrame(log.indexOf(uncommitted), flags, srcBuffer, srcArray, offset + written, chunk, sequence,
                timestampNs);
            written += chunk;
            uncommitted += LogDescriptor.alignedLength(HEADER_LENGTH + chunk);
        }
    }

    private void writeFrame(
        final int index,
        final byte flags,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final long sequence,
        final long timestampNs)
    {
        if (timestampNs == 0)
        {
            // The ring is zeroed ahead of every claim, so a zero timestamp is there already.
            FrameDescriptor.writeHeaderWithoutTimestamp(buffer, index, flags, TYPE_DATA, streamId, sessionId, sequence);
        }
        else
        {
            FrameDescriptor.writeHeader(buffer, index, flags, TYPE_DATA, streamId, sessionId, sequence, timestampNs);
        }
        AbstractPublication.copy(buffer, index + HEADER_LENGTH, srcBuffer, srcArray, offset, length);
        log.frameLengthRelease(index, HEADER_LENGTH + length);
    }
}
