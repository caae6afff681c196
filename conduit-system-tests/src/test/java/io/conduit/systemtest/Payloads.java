package io.conduit.systemtest;

import java.nio.ByteBuffer;

/**
 * The messages system tests send: an 8-byte little-endian sequence number, then bytes derived from it, so a
 * receiver can check order, completeness and integrity without keeping what it received.
 */
final class Payloads
{
    /** The shortest payload: the sequence number alone. */
    static final int MIN_LENGTH = 8;

    private Payloads()
    {
    }

    static void encode(final byte[] message, final long sequence)
    {
        for (int i = 0; i < 8; i++)
        {
            message[i] = (byte)(sequence >>> (8 * i));
        }
        for (int i = 8; i < message.length; i++)
        {
            message[i] = (byte)(sequence + i);
        }
    }

    static long sequence(final ByteBuffer buffer, final int offset)
    {
        long sequence = 0;
        for (int i = 0; i < 8; i++)
        {
            sequence |= (buffer.get(offset + i) & 0xFFL) << (8 * i);
        }
        return sequence;
    }

    static boolean isIntact(final ByteBuffer buffer, final int offset, final int length, final long sequence)
    {
        for (int i = 8; i < length; i++)
        {
            if (buffer.get(offset + i) != (byte)(sequence + i))
            {
                return false;
            }
        }
        return true;
    }
}
