package io.conduit.internal.shm;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;

/**
 * A publisher process that dies mid-message on cue: {@code HalfWrittenPublisherMain <directory> <name> <streamId>
 * <livenessTimeoutMs>} joins the log, claims room for a three-fragment message, commits only the first fragment,
 * prints {@code CLAIMED position=N length=N} and waits to be killed. Lives in the test jar so system tests can
 * kill a publisher at exactly that point.
 */
public final class HalfWrittenPublisherMain
{
    private static final int PAYLOAD_PER_FRAGMENT = 1000;
    private static final int FRAGMENTS = 3;

    private HalfWrittenPublisherMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final LogFiles files = new LogFiles(Path.of(args[0]), Long.parseLong(args[3]));
        final String name = args[1];
        final int streamId = Integer.parseInt(args[2]);
        final int sessionId = 0x0DEAD;
        final MappedLog mapped = files.locked(() -> files.open(name, streamId, 0, 1 << 20));
        final int slot = files.locked(() -> mapped.slots().takePublisherSlot(1L));
        final LogBuffer log = mapped.buffer();
        log.longRelease(slot + LogDescriptor.SLOT_SESSION_ID_OFFSET, sessionId);
        final int frame = LogDescriptor.alignedLength(HEADER_LENGTH + PAYLOAD_PER_FRAGMENT);
        final int length = FRAGMENTS * frame;
        long tail;
        do
        {
            tail = log.tailVolatile();
            if ((tail & (log.capacity() - 1)) + length > log.capacity() ||
                tail + length + LogDescriptor.FRAME_ALIGNMENT > log.cleanLimitAcquire())
            {
                throw new IllegalStateException("test log has no straight room for the message: tail=" + tail);
            }
            log.longRelease(slot + LogDescriptor.SLOT_POSITION_OFFSET, tail);
            log.longRelease(slot + LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET, length);
        }
        while (log.compareAndExchangeTail(tail, tail + length) != tail);

        final int index = log.indexOf(tail);
        FrameDescriptor.writeHeader(log.buffer(), index, FrameDescriptor.BEGIN_FLAG, FrameDescriptor.TYPE_DATA,
            streamId, sessionId, 0, 0);
        log.frameLengthRelease(index, HEADER_LENGTH + PAYLOAD_PER_FRAGMENT);
        // The second fragment's header, written but never committed, as a publisher killed mid-copy leaves it.
        FrameDescriptor.writeHeader(log.buffer(), index + frame, (byte)0, FrameDescriptor.TYPE_DATA,
            streamId, sessionId, 0, 0);
        System.out.println("CLAIMED position=" + tail + " length=" + length);
        while (true)
        {
            LockSupport.park();
        }
    }
}
