package io.conduit.bench.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Layout of a bench message: its sequence number, little-endian, in the first 8 bytes; the rest is padding to
 * the message size. {@link Workload#END_SEQUENCE} ends a run.
 */
final class Messages
{
    private Messages()
    {
    }

    /**
     * @param buffer holding a message, of any byte order.
     * @param offset of the message.
     * @return its sequence number.
     */
    static long sequence(final ByteBuffer buffer, final int offset)
    {
        final long value = buffer.getLong(offset);
        return buffer.order() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    /**
     * @param bytes holding a message at index 0.
     * @return its sequence number.
     */
    static long sequence(final byte[] bytes)
    {
        long value = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--)
        {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    /**
     * @param bytes    to hold a message at index 0.
     * @param sequence to write.
     */
    static void putSequence(final byte[] bytes, final long sequence)
    {
        long value = sequence;
        for (int i = 0; i < Long.BYTES; i++)
        {
            bytes[i] = (byte)value;
            value >>>= 8;
        }
    }

    /**
     * @param sizeBytes of the message.
     * @return a zeroed little-endian direct buffer of that size.
     */
    static ByteBuffer allocate(final int sizeBytes)
    {
        return ByteBuffer.allocateDirect(sizeBytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
