package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over Conduit streams, as over TCP, a malformed frame closes the connection it came on, and only that one: the
 * offending client gets a GOAWAY and loses its reply stream, and every other client carries on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamPairMalformedFrameTest
{
    private static final int REPLY_STREAM = 4242;

    static Stream<String> endpoints()
    {
        final long pid = ProcessHandle.current().pid();
        return Stream.of("inproc:malformed-" + pid, "shm:malformed-" + pid);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCloseOnlyTheConnectionAMalformedFrameCameOn(final String endpoint)
    {
        try (Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit).endpoint(endpoint)
                .service(EchoService.class, new EchoService.Impl()).build();
            RpcClient client = RpcClient.builder(conduit).endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(10)).build();
            Publication requests = conduit.addPublication(server.endpoint(), StreamPairServer.REQUEST_STREAM);
            Subscription replies = conduit.addSubscription(server.endpoint(), REPLY_STREAM))
        {
            final EchoService echo = client.proxy(EchoService.class);
            assertThat(echo.echo(new byte[] {1})).containsExactly(1);

            // The offender makes one good call, so that the server knows it as a client, then sends bytes that
            // break the frame layout.
            final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
            final int length = RpcFrameDescriptor.encodeCall(out, 1L, 0L, REPLY_STREAM, 0,
                "conduit.Echo/echo".getBytes(StandardCharsets.UTF_8), Map.of(), new byte[0]);
            send(requests, out.buffer(), length);
            final List<Byte> types = new ArrayList<>();
            awaitTrue(() -> poll(replies, types) && types.contains(RpcFrameDescriptor.TYPE_RESPONSE));
            final ByteBuffer garbage = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 24);
            garbage.put(4, (byte)99);
            send(requests, garbage, 24);

            awaitTrue(() -> poll(replies, types) && types.contains(RpcFrameDescriptor.TYPE_GOAWAY));
            awaitTrue(() -> !replies.isConnected());
            assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
            assertThat(echo.echo(new byte[] {2})).as("the other client carries on").containsExactly(2);
        }
    }

    private static void send(final Publication publication, final ByteBuffer buffer, final int length)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (publication.offer(buffer, 0, length) < 0)
        {
            assertThat(System.nanoTime() - deadlineNs).isNegative();
            Thread.onSpinWait();
        }
    }

    private static boolean poll(final Subscription replies, final List<Byte> types)
    {
        replies.poll((buffer, offset, length, header) ->
            types.add(new RpcFrame().wrap(buffer, offset, length).type()), 10);
        return true;
    }

    private static void awaitTrue(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadlineNs).isNegative();
            Thread.yield();
        }
    }
}
