package io.conduit.rpc;

import java.lang.reflect.Type;

/**
 * Makes {@link ValueCodec}s for the declared types of arguments and results. Asked once per method when a
 * service is registered or proxied, never per call. Codecs added to a builder are asked before the built-in ones:
 * {@code byte[]} and {@code ByteBuffer} (passed through), Protobuf messages (when protobuf-java is on the class
 * path), then records and common types (CBOR through Jackson, types taken only from the method signature).
 */
public interface Codec
{
    /**
     * @param type a declared argument or result type, with generics, such as {@code List<Order>}.
     * @return a codec for values of that type, or null when this codec does not handle it.
     */
    ValueCodec<?> codecFor(Type type);
}
