package io.conduit.rpc.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The thread-per-connection server ({@code tcp://...?io=thread}) keeps the event-loop server's liveness and
 * fault contract; RpcCallTest and MalformedFrameTest run their calls and bad frames over it too.
 */
@Timeout(30)
class ThreadedTcpServerTest
{
    private final Conduit conduit =
        Conduit.launch(new Conduit.Context().heartbeatIntervalMs(100).heartbeatTimeoutMs(600));
    private RpcServer server;

    @AfterEach
    void tearDown()
    {
        if (server != null)
        {
            server.close();
        }
        conduit.close();
    }

    private Endpoint start()
    {
        server = RpcServer.builder(conduit).endpoint("tcp://127.0.0.1:0?io=thread")
            .service(EchoService.class, new EchoService.Impl()).build();
        return Endpoint.parse(server.endpoint());
    }

    @Test
    void heartbeatsASilentClientThenClosesItAtTheTimeout() throws Exception
    {
        final Endpoint endpoint = start();
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            socket.setSoTimeout(10_000);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final long startNs = System.nanoTime();
            int heartbeats = 0;
            try
            {
                while (true)
                {
                    final byte[] header = new byte[RpcFrameDescriptor.HEADER_LENGTH];
                    in.readFully(header);
                    final ByteBuffer frame = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                    assertThat(frame.getInt(RpcFrameDescriptor.LENGTH_OFFSET)).isEqualTo(RpcFrameDescriptor.HEADER_LENGTH);
                    assertThat(new RpcFrame().wrap(frame, 0, header.length).type())
                        .isEqualTo(RpcFrameDescriptor.TYPE_HEARTBEAT);
                    heartbeats++;
                }
            }
            catch (final EOFException closed)
            {
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertThat(heartbeats).as("heartbeats before the close").isGreaterThanOrEqualTo(2);
                assertThat(elapsedMs).isBetween(500L, 5_000L);
            }
        }
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isEqualTo(1);
    }

    @Test
    void heartbeatsAClientThatHeartbeatsMoreOftenThanTheReadTimesOut() throws Exception
    {
        final Endpoint endpoint = start();
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            socket.setSoTimeout(20);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            final RpcFrameDescriptor.FrameBuffer heartbeat = new RpcFrameDescriptor.FrameBuffer();
            final int length = RpcFrameDescriptor.encodeHeartbeat(heartbeat);
            final byte[] bytes = new byte[length];
            heartbeat.buffer().get(0, bytes);
            long bytesIn = 0;
            // Twice the timeout, writing a heartbeat every 40 ms: the server's 100 ms read never times out.
            final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_200);
            while (System.nanoTime() < endNs)
            {
                out.write(bytes);
                final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
                while (System.nanoTime() < untilNs)
                {
                    try
                    {
                        final int read = in.read(new byte[256]);
                        assertThat(read).as("the server closed the connection").isPositive();
                        bytesIn += read;
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        // Nothing yet.
                    }
                }
            }
            assertThat(bytesIn / RpcFrameDescriptor.HEADER_LENGTH).as("server heartbeats").isGreaterThanOrEqualTo(4);
        }
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isZero();
    }

    @Test
    void aFrameCutShortByTheClientIsAProtocolErrorAndOthersAreServed() throws Exception
    {
        final Endpoint endpoint = start();
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            final ByteBuffer start = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 100);
            socket.getOutputStream().write(start.array());
            socket.getOutputStream().flush();
        }
        try (RpcClient client = RpcClient.builder(conduit).endpoint(server.endpoint())
            .defaultDeadline(Duration.ofSeconds(10)).build())
        {
            assertThat(client.proxy(EchoService.class).echo(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (conduit.counters().get(Counter.PROTOCOL_ERRORS) == 0 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(10);
        }
        assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
    }

    @Test
    void aClientThatStopsReadingIsClosedAtTheTimeoutAndOthersAreServed() throws Exception
    {
        final Endpoint endpoint = start();
        final RpcMethod echo = RpcMethod.of(EchoService.class, new BuiltInCodecs(List.of())).stream()
            .filter(method -> "echo".equals(method.methodName())).findFirst().orElseThrow();
        final byte[] argument = echo.argumentCodec().encode(new byte[256 * 1024]);
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            // Ask for far more replies than the socket buffers hold, and read none of them: the server's write of a
            // reply blocks, on a thread it has to get back.
            final OutputStream stream = socket.getOutputStream();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int call = 1; call <= 64 && System.nanoTime() < deadlineNs; call++)
            {
                final int length = RpcFrameDescriptor.encodeCall(out, call, 0, 0, echo.id(), echo.fullNameBytes(),
                    Map.of(), argument);
                final ByteBuffer frame = out.buffer();
                stream.write(frame.array(), frame.arrayOffset(), length);
            }
            stream.flush();
            // Stay alive, with a heartbeat more often than the server's read timeout, and still read nothing.
            final int heartbeatLength = RpcFrameDescriptor.encodeHeartbeat(out);
            final byte[] heartbeat = Arrays.copyOf(out.buffer().array(), heartbeatLength);
            final long waitNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try
            {
                while (conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS) == 0 && System.nanoTime() < waitNs)
                {
                    stream.write(heartbeat);
                    stream.flush();
                    Thread.sleep(30);
                }
            }
            catch (final IOException closedByTheServer)
            {
                // Expected once the server gives up on this client: the counter below says why it did.
            }
            assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isEqualTo(1);
        }
        try (RpcClient client = RpcClient.builder(conduit).endpoint(server.endpoint())
            .defaultDeadline(Duration.ofSeconds(10)).build())
        {
            assertThat(client.proxy(EchoService.class).echo(new byte[] {4, 5})).containsExactly(4, 5);
        }
    }

    @Test
    void closingTheServerClosesItsConnections() throws Exception
    {
        final Endpoint endpoint = start();
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()))
        {
            socket.setSoTimeout(10_000);
            final InputStream in = socket.getInputStream();
            // A heartbeat proves the connection is served before the server closes.
            assertThat(in.read()).isNotNegative();
            server.close();
            try
            {
                // The rest of any heartbeat, then the end of the stream.
                while (in.read() >= 0)
                {
                    Thread.onSpinWait();
                }
            }
            catch (final java.net.SocketException reset)
            {
                assertThat(reset).hasMessageContaining("reset");
            }
        }
    }

    @Test
    void refusesWhatItCannotServe()
    {
        assertThatThrownBy(() -> RpcServer.builder(conduit).endpoint("tcp://127.0.0.1:0?io=thread&tls=true")
            .service(EchoService.class, new EchoService.Impl()).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plaintext only");
        assertThatThrownBy(() -> RpcServer.builder(conduit).endpoint("tcp://127.0.0.1:0?io=fibres")
            .service(EchoService.class, new EchoService.Impl()).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid option: io=fibres");
        assertThatThrownBy(() -> RpcServer.builder(conduit).endpoint("shm:threaded-" + ProcessHandle.current().pid() +
            "?io=thread").service(EchoService.class, new EchoService.Impl()).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io");
        assertThatThrownBy(() -> conduit.addSubscription("tcp://127.0.0.1:0?io=thread", 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io is an option of RPC servers");
    }
}
