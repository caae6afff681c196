package io.conduit.rpc.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

import io.conduit.rpc.Codec;
import io.conduit.rpc.ValueCodec;

/**
 * Records, enums, strings, primitives, lists, maps and nested combinations as CBOR, through Jackson. The type of
 * every value comes from the method signature: default typing is off and the polymorphic type validator allows
 * no class named in the bytes, so a peer can never make this side instantiate a class the signature does not
 * name. Unknown properties are ignored so that services can add fields.
 */
final class JacksonCborCodec implements Codec
{
    private final CBORMapper mapper = CBORMapper.builder()
        .polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    @Override
    public ValueCodec<?> codecFor(final Type type)
    {
        final JavaType javaType = mapper.constructType(type);
        return new TypedCodec(mapper.readerFor(javaType), mapper.writerFor(javaType));
    }

    private static final class TypedCodec implements ValueCodec<Object>
    {
        private final ObjectReader reader;
        private final ObjectWriter writer;

        TypedCodec(final ObjectReader reader, final ObjectWriter writer)
        {
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        public byte[] encode(final Object value)
        {
            try
            {
                return writer.writeValueAsBytes(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public Object decode(final ByteBuffer buffer, final int offset, final int length)
        {
            try
            {
                if (buffer.hasArray())
                {
                    return reader.readValue(buffer.array(), buffer.arrayOffset() + offset, length);
                }
                final byte[] bytes = new byte[length];
                buffer.get(offset, bytes);
                return reader.readValue(bytes);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
