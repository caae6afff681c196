package io.conduit.concurrency;

import java.nio.ByteBuffer;

import io.conduit.internal.shm.LogAppender;
import io.conduit.internal.shm.LogBuffer;
import io.conduit.internal.shm.LogCleaner;
import io.conduit.internal.shm.LogDescriptor;

/**
 * A shared-memory log in a plain direct buffer, with the smallest ring, for stress tests of its protocols.
 */
final class TestLog
{
    static final int CAPACITY = LogDescriptor.MIN_CAPACITY;
    static final int STREAM_ID = 1;
    private static final long LIVENESS_TIMEOUT_MS = 60_000;

    final LogBuffer log;
    final LogCleaner cleaner;

    TestLog()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY));
        LogBuffer.initialise(buffer, CAPACITY, STREAM_ID, ProcessHandle.current().pid());
        log = new LogBuffer(buffer);
        cleaner = new LogCleaner(log, LIVENESS_TIMEOUT_MS);
    }

    /**
     * @param index of a publisher slot.
     * @return an appender using it.
     */
    LogAppender appender(final int index)
    {
        return new LogAppender(log, cleaner, LogDescriptor.publisherSlotOffset(index), STREAM_ID, 100 + index,
            CAPACITY / 4);
    }

    /**
     * @param index of a subscriber slot.
     * @return the slot's offset, now active at the tail.
     */
    int joinSubscriber(final int index)
    {
        final int slot = LogDescriptor.subscriberSlotOffset(index);
        cleaner.join(slot, 0, System.currentTimeMillis());
        return slot;
    }

    /**
     * @param length of the message.
     * @param value  every byte of it holds.
     * @return the message.
     */
    static byte[] message(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    /**
     * @return true when every byte of the message holds the same value as the first, which is not 0.
     */
    static boolean isIntact(final ByteBuffer buffer, final int offset, final int length)
    {
        final byte first = buffer.get(offset);
        if (first == 0)
        {
            return false;
        }
        for (int i = 1; i < length; i++)
        {
            if (buffer.get(offset + i) != first)
            {
                return false;
            }
        }
        return true;
    }
}
