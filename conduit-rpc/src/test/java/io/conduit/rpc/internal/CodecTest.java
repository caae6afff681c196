package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.google.protobuf.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.rpc.Codec;
import io.conduit.rpc.ValueCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class CodecTest
{
    private final BuiltInCodecs codecs = new BuiltInCodecs(List.of());

    enum Colour
    {
        RED,
        GREEN
    }

    record Inner(double weight, List<Colour> colours)
    {
    }

    record Outer(String name, int count, long big, boolean flag, Map<String, Inner> byKey, Inner[] array)
    {
    }

    record Holder(Object anything)
    {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public static class Animal
    {
        public String name;
    }

    @Test
    void shouldPassBytesThroughWithoutCopyingOnEncode()
    {
        final byte[] bytes = {1, 2, 3};
        final ValueCodec<Object> codec = codecs.codecFor(byte[].class);

        assertThat(codec.encode(bytes)).isSameAs(bytes);
        assertThat((byte[])codec.decode(ByteBuffer.wrap(new byte[] {9, 1, 2, 3}), 1, 3)).containsExactly(1, 2, 3);
    }

    @Test
    void shouldEncodeRecordsAndCommonTypes()
    {
        final Inner inner = new Inner(1.5, List.of(Colour.RED, Colour.GREEN));
        final Outer outer = new Outer("n", 3, Long.MAX_VALUE, true, Map.of("k", inner), new Inner[] {inner});

        final Outer decoded = (Outer)roundTrip(Outer.class, outer);

        assertThat(decoded.name()).isEqualTo("n");
        assertThat(decoded.big()).isEqualTo(Long.MAX_VALUE);
        assertThat(decoded.byKey()).isEqualTo(Map.of("k", inner));
        assertThat(decoded.array()).containsExactly(inner);
        assertThat(roundTrip(String.class, "héllo")).isEqualTo("héllo");
        assertThat(roundTrip(int.class, 42)).isEqualTo(42);
        assertThat(roundTrip(Colour.class, Colour.GREEN)).isEqualTo(Colour.GREEN);
        assertThat(roundTrip(new TypeReference<List<Inner>>() { }.getType(), List.of(inner))).isEqualTo(List.of(inner));
    }

    @Test
    void shouldNeverInstantiateClassesNamedByThePeer() throws Exception
    {
        final CBORMapper attacker = new CBORMapper();
        final byte[] namesAClass = attacker.writeValueAsBytes(
            Map.of("anything", List.of("java.lang.ProcessBuilder", List.of("touch", "/tmp/pwned"))));

        final Holder holder = (Holder)codecs.codecFor(Holder.class).decode(ByteBuffer.wrap(namesAClass), 0,
            namesAClass.length);
        assertThat(holder.anything()).isInstanceOf(List.class);

        final byte[] polymorphic = attacker.writeValueAsBytes(Map.of("@class", "java.lang.ProcessBuilder",
            "name", "x"));
        assertThatThrownBy(() -> codecs.codecFor(Animal.class).decode(ByteBuffer.wrap(polymorphic), 0,
            polymorphic.length)).hasMessageContaining("ProcessBuilder");
    }

    @Test
    void shouldRejectUndecodableBytes()
    {
        final byte[] garbage = "not cbor of a record".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codecs.codecFor(Inner.class).decode(ByteBuffer.wrap(garbage), 0, garbage.length))
            .isInstanceOf(RuntimeException.class);
    }

    @Test
    void shouldEncodeProtobufMessagesNatively()
    {
        final StringValue value = StringValue.of("proto");
        final ValueCodec<Object> codec = codecs.codecFor(StringValue.class);

        final byte[] encoded = codec.encode(value);

        assertThat(encoded).isEqualTo(value.toByteArray());
        assertThat(codec.decode(ByteBuffer.wrap(encoded), 0, encoded.length)).isEqualTo(value);
    }

    @Test
    void shouldAskApplicationCodecsFirst()
    {
        final Codec upperCase = type -> type != String.class ? null : new ValueCodec<String>()
        {
            @Override
            public byte[] encode(final String value)
            {
                return value.toUpperCase().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(final ByteBuffer buffer, final int offset, final int length)
            {
                return StandardCharsets.UTF_8.decode(buffer.slice(offset, length)).toString();
            }
        };
        final BuiltInCodecs withApplication = new BuiltInCodecs(List.of(upperCase));

        assertThat(withApplication.codecFor(String.class).encode("abc")).asString().isEqualTo("ABC");
        assertThat(withApplication.codecFor(Integer.class)).isNotNull();
    }

    private Object roundTrip(final java.lang.reflect.Type type, final Object value)
    {
        final ValueCodec<Object> codec = codecs.codecFor(type);
        final byte[] encoded = codec.encode(value);
        return codec.decode(ByteBuffer.wrap(encoded), 0, encoded.length);
    }
}
