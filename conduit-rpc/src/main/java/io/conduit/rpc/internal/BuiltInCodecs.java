package io.conduit.rpc.internal;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.conduit.rpc.Codec;
import io.conduit.rpc.ValueCodec;

/**
 * Finds the codec for a declared type: the application's codecs first, then pass-through for {@code byte[]} and
 * {@code ByteBuffer}, empty for {@code void}, Protobuf messages when protobuf-java is on the class path, and CBOR
 * through Jackson for everything else.
 */
public final class BuiltInCodecs
{
    private static final byte[] EMPTY = new byte[0];

    private final List<Codec> codecs = new ArrayList<>();

    /**
     * @param applicationCodecs asked first, in order.
     */
    public BuiltInCodecs(final List<Codec> applicationCodecs)
    {
        codecs.addAll(applicationCodecs);
        codecs.add(BuiltInCodecs::passThrough);
        if (ProtobufSupport.isAvailable())
        {
            codecs.add(ProtobufSupport.codec());
        }
        codecs.add(new JacksonCborCodec());
    }

    /**
     * @param type declared type of an argument or result.
     * @return its codec.
     * @throws IllegalArgumentException when no codec handles the type.
     */
    @SuppressWarnings("unchecked")
    public ValueCodec<Object> codecFor(final Type type)
    {
        for (final Codec codec : codecs)
        {
            final ValueCodec<?> valueCodec = codec.codecFor(type);
            if (valueCodec != null)
            {
                return (ValueCodec<Object>)valueCodec;
            }
        }
        throw new IllegalArgumentException("no codec for type: type=" + type.getTypeName());
    }

    private static ValueCodec<?> passThrough(final Type type)
    {
        if (type == byte[].class)
        {
            return BYTES;
        }
        if (type == ByteBuffer.class)
        {
            return BYTE_BUFFER;
        }
        if (type == void.class || type == Void.class)
        {
            return VOID;
        }
        return null;
    }

    /** {@code byte[]} as it is. */
    static final ValueCodec<byte[]> BYTES = new ValueCodec<>()
    {
        @Override
        public byte[] encode(final byte[] value)
        {
            return value == null ? EMPTY : value;
        }

        @Override
        public byte[] decode(final ByteBuffer buffer, final int offset, final int length)
        {
            final byte[] value = new byte[length];
            buffer.get(offset, value);
            return value;
        }
    };

    /** {@code ByteBuffer}: its remaining bytes; decoded into a new heap buffer. */
    static final ValueCodec<ByteBuffer> BYTE_BUFFER = new ValueCodec<>()
    {
        @Override
        public byte[] encode(final ByteBuffer value)
        {
            if (value == null)
            {
                return EMPTY;
            }
            final byte[] bytes = new byte[value.remaining()];
            value.get(value.position(), bytes);
            return bytes;
        }

        @Override
        public ByteBuffer decode(final ByteBuffer buffer, final int offset, final int length)
        {
            return ByteBuffer.wrap(BYTES.decode(buffer, offset, length));
        }
    };

    /** No value: nothing on the wire. */
    static final ValueCodec<Object> VOID = new ValueCodec<>()
    {
        @Override
        public byte[] encode(final Object value)
        {
            return EMPTY;
        }

        @Override
        public Object decode(final ByteBuffer buffer, final int offset, final int length)
        {
            return null;
        }
    };
}
