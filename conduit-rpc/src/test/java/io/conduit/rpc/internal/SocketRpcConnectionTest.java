package io.conduit.rpc.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.rpc.EchoService;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.RpcServer;
import io.conduit.rpc.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plaintext TCP client, whose blocking callers read their own replies, against servers that misbehave in the
 * ways a network allows: a scripted fake server for the faults, a real one for idle connections.
 */
@Timeout(30)
class SocketRpcConnectionTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    // The fake server never heartbeats, so a connection to it lives one timeout: long enough, on a loaded machine,
    // for a test to make its first call on the first connection.
    private static final long HEARTBEAT_INTERVAL_MS = 100;
    private static final long HEARTBEAT_TIMEOUT_MS = 1_000;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown type", "length below a header", "length beyond the maximum"})
    void shouldFailTheBlockedCallerAndReconnectWhenServerSendsMalformedFrame(final String fault) throws Exception
    {
        final FakeServer server = start(new FakeServer((connection, call) ->
        {
            if (connection > 1)
            {
                return echoReply(call);
            }
            final ByteBuffer bad = ByteBuffer.allocate(RpcFrameDescriptor.HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN);
            bad.putInt(0, fault.startsWith("unknown") ? RpcFrameDescriptor.HEADER_LENGTH :
                fault.startsWith("length below") ? 8 : Integer.MAX_VALUE);
            bad.put(RpcFrameDescriptor.TYPE_OFFSET, fault.startsWith("unknown") ? (byte)99 :
                RpcFrameDescriptor.TYPE_RESPONSE);
            return bad.array();
        }));
        final Conduit conduit = conduit();
        final EchoService echo = client(conduit, server.port()).proxy(EchoService.class);

        assertUnavailableBeforeDeadline(echo);
        assertThat(conduit.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);

        awaitCounter(conduit, Counter.CONNECTIONS, 2);
        assertThat(echo.echo(new byte[] {2, 3})).containsExactly(2, 3);
    }

    @Test
    void shouldFailTheBlockedCallerWhenServerFreezes() throws Exception
    {
        final FakeServer server = start(new FakeServer((connection, call) -> null));
        final Conduit conduit = conduit();
        final EchoService echo = client(conduit, server.port()).proxy(EchoService.class);

        assertUnavailableBeforeDeadline(echo);
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isPositive();
        assertThat(server.callsSeen()).isEqualTo(1);
    }

    @Test
    void shouldFailCallsStuckWritingToAServerThatStopsReading() throws Exception
    {
        final FakeServer server = start(FakeServer.neverReading());
        final Conduit conduit = conduit();
        final EchoService echo = client(conduit, server.port()).proxy(EchoService.class);
        final byte[] payload = new byte[4 * 1024 * 1024];
        final List<CompletableFuture<byte[]>> calls = new CopyOnWriteArrayList<>();

        // More than the socket buffers hold: the caller's thread blocks in a write the server never drains.
        final Thread caller = new Thread(() ->
        {
            for (int i = 0; i < 8; i++)
            {
                calls.add(echo.echoAsync(payload));
            }
        }, "stuck-caller");
        caller.start();
        caller.join(TimeUnit.SECONDS.toMillis(15));

        assertThat(caller.isAlive()).as("the stuck write was freed").isFalse();
        assertThat(calls).hasSize(8);
        for (final CompletableFuture<byte[]> call : calls)
        {
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RpcException.class)
                .satisfies(ex -> assertThat(((RpcException)ex.getCause()).status()).isEqualTo(Status.UNAVAILABLE));
        }
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isPositive();
    }

    @Test
    void shouldReconnectWhenServerClosesAnIdleConnection() throws Exception
    {
        final FakeServer server = start(new FakeServer((connection, call) -> echoReply(call)));
        final Conduit conduit = conduit();
        final EchoService echo = client(conduit, server.port()).proxy(EchoService.class);
        assertThat(echo.echo(new byte[] {1})).containsExactly(1);

        server.closeConnections();
        awaitCounter(conduit, Counter.DISCONNECTS, 1);
        awaitCounter(conduit, Counter.CONNECTIONS, 2);
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).as("the close was seen, not timed out")
            .isZero();

        assertThat(echo.echo(new byte[] {2})).containsExactly(2);
    }

    @Test
    void shouldStayConnectedThroughIdlePeriodsLongerThanTheHeartbeatTimeout() throws Exception
    {
        final Conduit serverConduit = conduit();
        final RpcServer server = start(RpcServer.builder(serverConduit).endpoint("tcp://127.0.0.1:0")
            .service(EchoService.class, new EchoService.Impl()).build());
        final Conduit conduit = conduit();
        final RpcClient client = start(RpcClient.builder(conduit).endpoint(server.endpoint())
            .defaultDeadline(DEADLINE).build());
        final EchoService echo = client.proxy(EchoService.class);

        for (int i = 0; i < 3; i++)
        {
            assertThat(echo.echo(new byte[] {(byte)i})).containsExactly(i);
            // Nobody reads while the connection idles: the server's heartbeats must still be seen.
            Thread.sleep(HEARTBEAT_TIMEOUT_MS * 3 / 2);
        }
        assertThat(echo.echoAsync(new byte[] {9}).get(10, TimeUnit.SECONDS)).containsExactly(9);

        assertThat(conduit.counters().get(Counter.CONNECTIONS)).isEqualTo(1);
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isZero();
        assertThat(serverConduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isZero();
    }

    @Test
    void shouldWatchAnIdleConnectionOnceATimeoutNotOnATick() throws Exception
    {
        final Conduit serverConduit = conduit();
        final RpcServer server = start(RpcServer.builder(serverConduit).endpoint("tcp://127.0.0.1:0?io=thread")
            .service(EchoService.class, new EchoService.Impl()).build());
        final Conduit conduit = conduit();
        final AtomicInteger checks = new AtomicInteger();
        final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1)
        {
            @Override
            public ScheduledFuture<?> schedule(final Runnable command, final long delay, final TimeUnit unit)
            {
                return super.schedule(() ->
                {
                    checks.incrementAndGet();
                    command.run();
                }, delay, unit);
            }

            @Override
            public ScheduledFuture<?> scheduleAtFixedRate(
                final Runnable command, final long initialDelay, final long period, final TimeUnit unit)
            {
                return super.scheduleAtFixedRate(() ->
                {
                    checks.incrementAndGet();
                    command.run();
                }, initialDelay, period, unit);
            }
        };
        start(watchdog::shutdownNow);
        final TcpRpcTransport transport =
            new TcpRpcTransport(conduit, Endpoint.parse(server.endpoint()), false);
        final RpcConnection connection = SocketRpcConnection.connect(transport, new FrameListener()
        {
            @Override
            public void onFrame(final RpcConnection connection, final RpcFrame frame)
            {
            }

            @Override
            public void onClosed(final RpcConnection connection)
            {
            }
        }, watchdog, new InetSocketAddress(InetAddress.getLoopbackAddress(), Endpoint.parse(server.endpoint()).port()),
            5_000, 1 << 20, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS).get(10, TimeUnit.SECONDS);
        start(connection::close);

        // Two and a half timeouts idle: the server's heartbeats keep it open, and each silence check, due a
        // timeout after the last read, finds the server heard from and looks again a timeout later. A check on
        // a tick of a quarter interval would have run a hundred times.
        Thread.sleep(HEARTBEAT_TIMEOUT_MS * 5 / 2);

        assertThat(connection.isOpen()).isTrue();
        assertThat(checks.get()).as("silence checks").isBetween(1, 5);
        assertThat(conduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).isZero();
        assertThat(serverConduit.counters().get(Counter.HEARTBEAT_TIMEOUTS)).as("the client heartbeats").isZero();
    }

    /**
     * A blocking call fails with {@code UNAVAILABLE}: the fault was seen. Had the caller waited it out, the call
     * would have ended at its deadline with {@code DEADLINE_EXCEEDED}.
     */
    private static void assertUnavailableBeforeDeadline(final EchoService echo)
    {
        assertThatThrownBy(() -> echo.echo(new byte[] {1}))
            .isInstanceOfSatisfying(RpcException.class, ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
    }

    private Conduit conduit()
    {
        return start(Conduit.launch(new Conduit.Context()
            .heartbeatIntervalMs(HEARTBEAT_INTERVAL_MS)
            .heartbeatTimeoutMs(HEARTBEAT_TIMEOUT_MS)
            .reconnectBackoffMs(10, 100)));
    }

    private RpcClient client(final Conduit conduit, final int port)
    {
        return start(RpcClient.builder(conduit).endpoint("tcp://127.0.0.1:" + port).defaultDeadline(DEADLINE).build());
    }

    private <T extends AutoCloseable> T start(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private static void awaitCounter(final Conduit conduit, final Counter counter, final long atLeast)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (conduit.counters().get(counter) < atLeast)
        {
            assertThat(System.nanoTime() - deadlineNs).as("waiting for " + counter + " >= " + atLeast).isNegative();
            Thread.sleep(5);
        }
    }

    private static byte[] echoReply(final RpcFrame call)
    {
        final RpcFrameDescriptor.FrameBuffer out = new RpcFrameDescriptor.FrameBuffer();
        final int length = RpcFrameDescriptor.encodeReply(out, RpcFrameDescriptor.TYPE_RESPONSE, call.callId(), 0,
            call.copyPayload());
        final byte[] bytes = new byte[length];
        out.buffer().get(0, bytes);
        return bytes;
    }

    /**
     * Accepts connections on loopback and answers each CALL as its script says: bytes to write, or null for
     * silence; without a script it never reads. Numbers connections from 1.
     */
    private static final class FakeServer implements AutoCloseable
    {
        private final ServerSocket listener;
        private final BiFunction<Integer, RpcFrame, byte[]> script;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger calls = new AtomicInteger();
        private final Thread acceptor;

        /**
         * @return a server that accepts connections and never reads from them.
         */
        static FakeServer neverReading() throws IOException
        {
            return new FakeServer(null);
        }

        FakeServer(final BiFunction<Integer, RpcFrame, byte[]> script) throws IOException
        {
            this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            this.script = script;
            this.acceptor = new Thread(this::accept, "fake-rpc-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port()
        {
            return listener.getLocalPort();
        }

        int callsSeen()
        {
            return calls.get();
        }

        void closeConnections() throws IOException
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }

        private void accept()
        {
            int connection = 0;
            while (!listener.isClosed())
            {
                try
                {
                    final Socket socket = listener.accept();
                    sockets.add(socket);
                    if (script == null)
                    {
                        continue;
                    }
                    final int number = ++connection;
                    final Thread serving = new Thread(() -> serve(number, socket), "fake-rpc-connection-" + number);
                    serving.setDaemon(true);
                    serving.start();
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        }

        private void serve(final int connection, final Socket socket)
        {
            final RpcFrame frame = new RpcFrame();
            try (socket)
            {
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final OutputStream out = socket.getOutputStream();
                while (true)
                {
                    final byte[] bytes = readFrame(in);
                    frame.wrap(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, bytes.length);
                    if (frame.type() != RpcFrameDescriptor.TYPE_CALL)
                    {
                        continue;
                    }
                    calls.incrementAndGet();
                    final byte[] reply = script.apply(connection, frame);
                    if (reply != null)
                    {
                        out.write(reply);
                    }
                }
            }
            catch (final IOException ex)
            {
                // The client or the test closed the connection.
            }
        }

        private static byte[] readFrame(final DataInputStream in) throws IOException
        {
            final byte[] lengthBytes = new byte[Integer.BYTES];
            in.readFully(lengthBytes);
            final int length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
            final byte[] bytes = new byte[length];
            System.arraycopy(lengthBytes, 0, bytes, 0, Integer.BYTES);
            in.readFully(bytes, Integer.BYTES, length - Integer.BYTES);
            return bytes;
        }

        @Override
        public void close() throws IOException
        {
            listener.close();
            closeConnections();
        }
    }
}
