package io.conduit.cli;

import java.util.Arrays;

/**
 * Payloads of echo calls: the call's sequence number, little-endian, in the first 8 bytes (fewer when the
 * payload is shorter), zeros after it. A reply is right when it equals its payload.
 */
final class EchoPayload
{
    private EchoPayload()
    {
    }

    /**
     * @param sizeBytes of the payload.
     * @param sequence  of the call.
     * @return a new payload.
     */
    static byte[] of(final int sizeBytes, final long sequence)
    {
        final byte[] payload = new byte[sizeBytes];
        long value = sequence;
        for (int i = 0; i < Math.min(Long.BYTES, sizeBytes); i++)
        {
            payload[i] = (byte)value;
            value >>>= 8;
        }
        return payload;
    }

    /**
     * @param payload sent.
     * @param reply   received; may be null.
     * @return true when the reply is the payload echoed.
     */
    static boolean matches(final byte[] payload, final byte[] reply)
    {
        return Arrays.equals(payload, reply);
    }
}
