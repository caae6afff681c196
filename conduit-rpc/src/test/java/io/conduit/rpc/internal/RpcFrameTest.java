package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class RpcFrameTest
{
    private final RpcFrameDescriptor.FrameBuffer out = new RpcFrameDescriptor.FrameBuffer();
    private final RpcFrame frame = new RpcFrame();

    @Test
    void shouldRoundTripCall()
    {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("token", "s3cret");
        metadata.put("user", "ännä");
        final byte[] name = "svc/method".getBytes(StandardCharsets.UTF_8);

        final int length = RpcFrameDescriptor.encodeCall(out, 42L, 1_500_000L, 7, 99, name, metadata,
            new byte[] {1, 2, 3});

        frame.wrap(out.buffer(), 0, length);
        assertThat(frame.type()).isEqualTo(RpcFrameDescriptor.TYPE_CALL);
        assertThat(frame.callId()).isEqualTo(42L);
        assertThat(frame.timeoutNs()).isEqualTo(1_500_000L);
        assertThat(frame.replyStream()).isEqualTo(7);
        assertThat(frame.methodId()).isEqualTo(99);
        assertThat(frame.methodName()).isEqualTo("svc/method");
        assertThat(frame.methodNameEquals(name)).isTrue();
        assertThat(frame.methodNameEquals("svc/other".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(frame.metadata()).isEqualTo(metadata);
        assertThat(frame.copyPayload()).containsExactly(1, 2, 3);
    }

    @Test
    void shouldRoundTripReplyCancelAndRequestN()
    {
        int length = RpcFrameDescriptor.encodeReply(out, RpcFrameDescriptor.TYPE_RESPONSE, 5L, 13,
            "broken".getBytes(StandardCharsets.UTF_8));
        frame.wrap(out.buffer(), 0, length);
        assertThat(frame.type()).isEqualTo(RpcFrameDescriptor.TYPE_RESPONSE);
        assertThat(frame.status()).isEqualTo(13);
        assertThat(frame.payloadText()).isEqualTo("broken");

        length = RpcFrameDescriptor.encodeCancel(out, 6L);
        frame.wrap(out.buffer(), 0, length);
        assertThat(frame.type()).isEqualTo(RpcFrameDescriptor.TYPE_CANCEL);
        assertThat(frame.callId()).isEqualTo(6L);

        length = RpcFrameDescriptor.encodeRequestN(out, 8L, 64L);
        frame.wrap(out.buffer(), 0, length);
        assertThat(frame.requestN()).isEqualTo(64L);
    }

    @Test
    void shouldReadFramesAtAnOffsetInABigEndianBuffer()
    {
        final int length = RpcFrameDescriptor.encodeReply(out, RpcFrameDescriptor.TYPE_STREAM_ITEM, 9L, 0,
            new byte[] {4});
        final ByteBuffer bigEndian = ByteBuffer.allocate(100).order(ByteOrder.BIG_ENDIAN);
        bigEndian.put(10, out.buffer(), 0, length);

        frame.wrap(bigEndian, 10, length);

        assertThat(frame.callId()).isEqualTo(9L);
        assertThat(frame.copyPayload()).containsExactly(4);
        assertThat(bigEndian.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    }

    @Test
    void shouldRejectMalformedFrames()
    {
        final int length = RpcFrameDescriptor.encodeCall(out, 1L, 0L, 0, 1,
            "a/b".getBytes(StandardCharsets.UTF_8), Map.of("k", "v"), new byte[0]);
        final ByteBuffer call = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        call.put(0, out.buffer(), 0, length);

        assertThatThrownBy(() -> frame.wrap(call, 0, 8)).isInstanceOf(MalformedFrameException.class)
            .hasMessageContaining("too short");
        assertThatThrownBy(() -> frame.wrap(call, 0, length - 1)).isInstanceOf(MalformedFrameException.class)
            .hasMessageContaining("length mismatch");

        final ByteBuffer badType = copy(call);
        badType.put(RpcFrameDescriptor.TYPE_OFFSET, (byte)77);
        assertThatThrownBy(() -> frame.wrap(badType, 0, length)).hasMessageContaining("unknown frame type");

        final ByteBuffer longName = copy(call);
        longName.putShort(RpcFrameDescriptor.NAME_LENGTH_OFFSET, (short)0xFFFF);
        assertThatThrownBy(() -> frame.wrap(longName, 0, length)).isInstanceOf(MalformedFrameException.class);

        final ByteBuffer manyMetadata = copy(call);
        manyMetadata.putShort(RpcFrameDescriptor.METADATA_COUNT_OFFSET, (short)500);
        assertThatThrownBy(() -> frame.wrap(manyMetadata, 0, length)).isInstanceOf(MalformedFrameException.class);

        final ByteBuffer shortCall = copy(call);
        shortCall.putInt(RpcFrameDescriptor.LENGTH_OFFSET, 20);
        assertThatThrownBy(() -> frame.wrap(shortCall, 0, 20)).hasMessageContaining("call frame too short");

        final int requestLength = RpcFrameDescriptor.encodeRequestN(out, 1L, 1L);
        final ByteBuffer request = copy(out.buffer());
        request.putInt(RpcFrameDescriptor.LENGTH_OFFSET, requestLength - 8);
        assertThatThrownBy(() -> frame.wrap(request, 0, requestLength - 8)).hasMessageContaining("request-n");
    }

    @Test
    void shouldOnlyEverAcceptOrRejectRandomAndMutatedBytes()
    {
        final Random random = new Random(42);
        final int callLength = RpcFrameDescriptor.encodeCall(out, 3L, 5L, 2, 7,
            "svc/m".getBytes(StandardCharsets.UTF_8), Map.of("a", "b"), new byte[] {1, 2});
        final byte[] call = new byte[callLength];
        out.buffer().get(0, call);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            }
            else
            {
                bytes = call.clone();
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt();
            }
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            try
            {
                frame.wrap(buffer, 0, bytes.length);
                if (frame.type() == RpcFrameDescriptor.TYPE_CALL)
                {
                    assertThat(frame.methodName()).isNotNull();
                    assertThat(frame.metadata()).isNotNull();
                    assertThat(frame.payloadLength()).isBetween(0, bytes.length);
                }
                accepted++;
            }
            catch (final MalformedFrameException expected)
            {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(accepted).as("mutations outside the checked fields still decode").isPositive();
    }

    @Test
    void shouldHashMethodNamesStably()
    {
        assertThat(RpcFrameDescriptor.methodId("conduit.Echo/echo"))
            .isEqualTo(RpcFrameDescriptor.methodId("conduit.Echo/echo"))
            .isNotEqualTo(RpcFrameDescriptor.methodId("conduit.Echo/echoAsync"));
        assertThat(RpcFrameDescriptor.methodId("")).isEqualTo(0x811C9DC5);
    }

    private static ByteBuffer copy(final ByteBuffer source)
    {
        final ByteBuffer copy = ByteBuffer.allocate(source.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(0, source, 0, source.capacity());
        return copy;
    }
}
