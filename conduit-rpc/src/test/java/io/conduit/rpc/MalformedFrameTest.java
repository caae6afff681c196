package io.conduit.rpc;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Endpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes that break the frame layout close the connection they came on, and only that one.
 */
@Timeout(30)
class MalformedFrameTest
{
    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:0", "tcp://127.0.0.1:0?io=thread"})
    void shouldCloseOnlyTheOffendingConnection(final String uri) throws Exception
    {
        try (Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit).endpoint(uri)
                .service(TestService.class, new TestServiceImpl("s")).build();
            RpcClient client = RpcClient.builder(conduit).endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(10)).build())
        {
            final TestService proxy = client.proxy(TestService.class);
            assertThat(proxy.sum(List.of(1, 2))).isEqualTo(3);
            final Endpoint endpoint = Endpoint.parse(server.endpoint());

            assertClosedAfter(endpoint, frame(20, (byte)99));
            assertClosedAfter(endpoint, frame(8, (byte)1));
            assertClosedAfter(endpoint, frame(Integer.MAX_VALUE, (byte)1));

            assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(3);
            assertThat(proxy.sum(List.of(3, 4))).isEqualTo(7);
        }
    }

    private static byte[] frame(final int declaredLength, final byte type)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, declaredLength);
        buffer.put(4, type);
        return buffer.array();
    }

    private static void assertClosedAfter(final Endpoint endpoint, final byte[] bytes) throws Exception
    {
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            final InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
        }
    }
}
