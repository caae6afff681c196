package io.conduit.rpc.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import io.conduit.rpc.Codec;
import io.conduit.rpc.ValueCodec;

/**
 * Protobuf messages in their own encoding. The parser comes from the declared class's default instance, found
 * once per method.
 */
final class ProtobufCodec implements Codec
{
    @Override
    public ValueCodec<?> codecFor(final Type type)
    {
        if (!(type instanceof Class) || !MessageLite.class.isAssignableFrom((Class<?>)type) ||
            Modifier.isAbstract(((Class<?>)type).getModifiers()))
        {
            return null;
        }
        try
        {
            final Method defaultInstance = ((Class<?>)type).getMethod("getDefaultInstance");
            final Parser<?> parser = ((MessageLite)defaultInstance.invoke(null)).getParserForType();
            return new MessageCodec(parser);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalArgumentException("not a generated protobuf message: type=" + type.getTypeName(), ex);
        }
    }

    private static final class MessageCodec implements ValueCodec<MessageLite>
    {
        private final Parser<?> parser;

        MessageCodec(final Parser<?> parser)
        {
            this.parser = parser;
        }

        @Override
        public byte[] encode(final MessageLite value)
        {
            return value.toByteArray();
        }

        @Override
        public MessageLite decode(final ByteBuffer buffer, final int offset, final int length)
        {
            try
            {
                return (MessageLite)parser.parseFrom(buffer.slice(offset, length));
            }
            catch (final InvalidProtocolBufferException ex)
            {
                throw new IllegalArgumentException("invalid protobuf message: reason=" + ex.getMessage(), ex);
            }
        }
    }
}
