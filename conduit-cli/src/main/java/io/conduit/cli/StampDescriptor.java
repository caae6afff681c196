package io.conduit.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Layout of the messages that {@code pub}, {@code sub} and {@code demo} exchange: the publisher's sequence number
 * and send time at the front of the payload, then zero padding to the chosen size. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Sequence Number                        |
 *  |                  (0, 1, 2, ... per publisher)                 |
 *  +---------------------------------------------------------------+
 *  |                   Send Time, System.nanoTime()                |
 *  |          (the scheduled time when sending at a rate)          |
 *  +---------------------------------------------------------------+
 *  |                      Padding to the size                     ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * The send time is comparable with the receiver's {@link System#nanoTime()} only on one host.
 */
final class StampDescriptor
{
    /** Offset of the sequence number. */
    static final int SEQUENCE_OFFSET = 0;
    /** Offset of the send time. */
    static final int SEND_TIME_OFFSET = 8;
    /** Shortest stamped message. */
    static final int STAMP_LENGTH = 16;

    // Plain get/set through a view VarHandle works at any alignment and whatever the buffer's byte order.
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private StampDescriptor()
    {
    }

    /**
     * @param buffer     holding a message of at least {@link #STAMP_LENGTH} bytes at offset 0.
     * @param sequence   of the message.
     * @param sendTimeNs when the message is (or was scheduled to be) sent.
     */
    static void stamp(final ByteBuffer buffer, final long sequence, final long sendTimeNs)
    {
        LONG.set(buffer, SEQUENCE_OFFSET, sequence);
        LONG.set(buffer, SEND_TIME_OFFSET, sendTimeNs);
    }

    /**
     * @param buffer holding the message.
     * @param offset at which the message starts.
     * @return the sequence number.
     */
    static long sequence(final ByteBuffer buffer, final int offset)
    {
        return (long)LONG.get(buffer, offset + SEQUENCE_OFFSET);
    }

    /**
     * @param buffer holding the message.
     * @param offset at which the message starts.
     * @return the send time.
     */
    static long sendTimeNs(final ByteBuffer buffer, final int offset)
    {
        return (long)LONG.get(buffer, offset + SEND_TIME_OFFSET);
    }
}
