package io.conduit.rpc;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes the values of one declared type. Thread-safe. A decoder must never instantiate a class the
 * declared type does not name: the bytes come from a peer.
 *
 * @param <T> the type.
 */
public interface ValueCodec<T>
{
    /**
     * @param value to encode; may be null.
     * @return the encoded bytes; the caller does not modify them.
     */
    byte[] encode(T value);

    /**
     * @param buffer holding the encoded value; its position and limit are ignored and left unchanged.
     * @param offset at which the value starts.
     * @param length of the encoded value.
     * @return the value.
     * @throws RuntimeException when the bytes are not a valid encoding (the call fails with
     *                          {@link Status#INVALID_ARGUMENT} on a server).
     */
    T decode(ByteBuffer buffer, int offset, int length);
}
