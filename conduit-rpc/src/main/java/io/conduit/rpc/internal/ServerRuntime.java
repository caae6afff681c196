package io.conduit.rpc.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

import io.conduit.Conduit;
import io.conduit.Endpoint;
import io.conduit.rpc.Codec;
import io.conduit.rpc.HealthService;
import io.conduit.rpc.MethodMetrics;
import io.conduit.rpc.RpcMetrics;
import io.conduit.rpc.ServerInterceptor;
import io.conduit.rpc.Status;

/**
 * The machinery behind {@link io.conduit.rpc.RpcServer}: the method table, the limit on calls in flight, the
 * deadline timer, and the transport it listens on.
 */
public final class ServerRuntime implements FrameListener
{
    private static final int DEFAULT_HANDLER_THREADS = 64;

    private final Conduit conduit;
    private final Map<Integer, ServerMethod> methods = new HashMap<>();
    private final List<ServerMethod> methodList = new ArrayList<>();
    private final int maxCallsInFlight;
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final ServerInterceptor[] interceptors;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final DeadlineTimer timer;
    private final HealthServiceImpl health = new HealthServiceImpl();
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    private final String boundEndpoint;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ThreadedTcpServer threaded;
    private final StreamPairServer streamServer;
    private volatile boolean closed;

    /**
     * Register the services and start listening.
     *
     * @param conduit          that owns the transports.
     * @param endpoint         to listen on.
     * @param services         implementations by interface.
     * @param maxCallsInFlight beyond which calls fail with {@code RESOURCE_EXHAUSTED}.
     * @param interceptors     to run around each call.
     * @param executor         to run implementations on, or null for a pool.
     * @param codecs           application codecs.
     */
    public ServerRuntime(
        final Conduit conduit,
        final String endpoint,
        final Map<Class<?>, Object> services,
        final int maxCallsInFlight,
        final List<ServerInterceptor> interceptors,
        final Executor executor,
        final List<Codec> codecs)
    {
        this.conduit = conduit;
        this.maxCallsInFlight = maxCallsInFlight;
        this.interceptors = interceptors.toArray(new ServerInterceptor[0]);
        final BuiltInCodecs builtInCodecs = new BuiltInCodecs(codecs);
        health.set("", HealthService.ServingStatus.SERVING);
        register(HealthService.class, health, builtInCodecs);
        services.forEach((type, implementation) -> register(type, implementation, builtInCodecs));

        final Endpoint parsed = Endpoint.parse(endpoint);
        if (executor != null)
        {
            this.executor = executor;
            this.ownedExecutor = null;
        }
        else
        {
            final ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_HANDLER_THREADS, DEFAULT_HANDLER_THREADS,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.factory("conduit-rpc-handler"));
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        this.timer = new DeadlineTimer("conduit-rpc-server-timer");
        final boolean threadPerConnection = threadPerConnection(parsed);
        group = parsed.scheme() == Endpoint.Scheme.TCP && !threadPerConnection ?
            new NioEventLoopGroup(1, DaemonThreads.factory("conduit-rpc-server-io")) : null;
        try
        {
            if (threadPerConnection)
            {
                threaded = new ThreadedTcpServer(conduit, parsed, this, timer);
                serverChannel = null;
                streamServer = null;
                boundEndpoint = parsed.withPort(threaded.port()).toString();
            }
            else if (group != null)
            {
                threaded = null;
                serverChannel = new TcpRpcTransport(conduit, parsed, true).bind(group, this);
                streamServer = null;
                final int port = ((InetSocketAddress)serverChannel.localAddress()).getPort();
                boundEndpoint = parsed.withPort(port).toString();
            }
            else
            {
                threaded = null;
                serverChannel = null;
                streamServer = new StreamPairServer(conduit, parsed, this);
                boundEndpoint = parsed.toString();
            }
        }
        catch (final RuntimeException ex)
        {
            shutdownThreads();
            throw ex;
        }
    }

    /**
     * @param endpoint to listen on.
     * @return true for {@code tcp://...?io=thread}: a thread per connection instead of an event loop.
     * @throws IllegalArgumentException for another {@code io} or a thread per connection with TLS ({@code io} is
     * an option of {@code tcp://} endpoints only, which parsing checks).
     */
    private static boolean threadPerConnection(final Endpoint endpoint)
    {
        final String io = endpoint.option("io", "event-loop");
        if (!"event-loop".equals(io) && !"thread".equals(io))
        {
            throw new IllegalArgumentException("invalid option: io=" + io + " (event-loop or thread), uri=" + endpoint);
        }
        if ("thread".equals(io) && endpoint.booleanOption("tls", false))
        {
            throw new IllegalArgumentException("io=thread serves plaintext only, not tls=true: uri=" + endpoint);
        }
        return "thread".equals(io);
    }

    private void register(final Class<?> type, final Object implementation, final BuiltInCodecs codecs)
    {
        if (!type.isInstance(implementation))
        {
            throw new IllegalArgumentException("implementation does not implement service: service=" +
                type.getName() + ", implementation=" + implementation.getClass().getName());
        }
        for (final RpcMethod method : RpcMethod.of(type, codecs))
        {
            final ServerMethod serverMethod = new ServerMethod(method, implementation);
            final ServerMethod previous = methods.putIfAbsent(method.id(), serverMethod);
            if (previous != null)
            {
                throw new IllegalArgumentException("rpc method registered twice or id collision: method=" +
                    method.fullName() + ", other=" + previous.fullName());
            }
            methodList.add(serverMethod);
        }
        health.set(RpcMethod.serviceName(type), HealthService.ServingStatus.SERVING);
    }

    /**
     * @return the endpoint listened on, with the real port.
     */
    public String endpoint()
    {
        return boundEndpoint;
    }

    /**
     * @return per-method metrics now.
     */
    public RpcMetrics metrics()
    {
        final List<MethodMetrics> snapshots = new ArrayList<>();
        for (final ServerMethod method : methodList)
        {
            snapshots.add(method.rpcMethod().stats().snapshot());
        }
        return new RpcMetrics(snapshots);
    }

    /**
     * @param serviceName or empty for the server.
     * @param status      to report.
     */
    public void servingStatus(final String serviceName, final HealthService.ServingStatus status)
    {
        health.set(serviceName, status);
    }

    ServerInterceptor[] interceptors()
    {
        return interceptors;
    }

    @Override
    public void onFrame(final RpcConnection connection, final RpcFrame frame)
    {
        switch (frame.type())
        {
            case RpcFrameDescriptor.TYPE_CALL:
                onCall(connection, frame);
                break;
            case RpcFrameDescriptor.TYPE_CANCEL:
            {
                final Object call = connection.calls().get(frame.callId());
                if (call != null)
                {
                    ((ServerCall)call).cancel(Status.CANCELLED, false);
                }
                break;
            }
            case RpcFrameDescriptor.TYPE_REQUEST_N:
            {
                final Object call = connection.calls().get(frame.callId());
                if (call != null && frame.requestN() > 0)
                {
                    ((ServerCall)call).request(frame.requestN());
                }
                break;
            }
            default:
                throw new MalformedFrameException("unexpected frame at server: type=" + frame.type());
        }
    }

    private void onCall(final RpcConnection connection, final RpcFrame frame)
    {
        final long callId = frame.callId();
        if (connections.add(connection) && closed)
        {
            connection.close();
            return;
        }
        final ServerMethod method = methods.get(frame.methodId());
        if (method == null || !frame.methodNameEquals(method.rpcMethod().fullNameBytes()))
        {
            reply(connection, callId, Status.UNIMPLEMENTED, "unknown method: method=" + frame.methodName());
            return;
        }
        if (callsInFlight.incrementAndGet() > maxCallsInFlight)
        {
            callsInFlight.decrementAndGet();
            method.rpcMethod().stats().record(Status.RESOURCE_EXHAUSTED, 0);
            reply(connection, callId, Status.RESOURCE_EXHAUSTED,
                "too many calls in flight: maxCallsInFlight=" + maxCallsInFlight);
            return;
        }
        final long timeoutNs = frame.timeoutNs();
        final ServerCall call = new ServerCall(this, connection, method, callId, System.nanoTime(),
            timeoutNs, frame.metadata(), frame.copyPayload());
        if (connection.calls().putIfAbsent(callId, call) != null)
        {
            callsInFlight.decrementAndGet();
            throw new MalformedFrameException("call id in use: callId=" + callId);
        }
        if (timeoutNs > 0)
        {
            call.deadlineTimer(timer.schedule(() -> call.cancel(Status.DEADLINE_EXCEEDED, true), timeoutNs));
        }
        try
        {
            executor.execute(call);
        }
        catch (final RejectedExecutionException ex)
        {
            call.complete(Status.UNAVAILABLE, "server is shutting down: method=" + method.fullName());
        }
    }

    private void reply(final RpcConnection connection, final long callId, final Status status, final String text)
    {
        send(connection, RpcFrameDescriptor.TYPE_RESPONSE, callId, status.code(), RpcFrameDescriptor.utf8(text));
    }

    boolean send(
        final RpcConnection connection, final byte type, final long callId, final int status, final byte[] payload)
    {
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        final int length = RpcFrameDescriptor.encodeReply(out, type, callId, status, payload);
        return connection.send(out.buffer(), 0, length);
    }

    void callEnded(final ServerCall call, final ServerMethod method, final Status status, final long durationNs)
    {
        callsInFlight.decrementAndGet();
        method.rpcMethod().stats().record(status, durationNs);
        for (int i = interceptors.length - 1; i >= 0; i--)
        {
            try
            {
                interceptors[i].onComplete(call, status, durationNs);
            }
            catch (final RuntimeException ignore)
            {
                // An interceptor's failure must not stop the others: the call is over.
            }
        }
    }

    @Override
    public void onClosed(final RpcConnection connection)
    {
        connections.remove(connection);
        for (final Object call : connection.calls().values())
        {
            ((ServerCall)call).cancel(Status.CANCELLED, false);
        }
    }

    /**
     * Stop listening, close connections and cancel their calls.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (serverChannel != null)
        {
            serverChannel.close().awaitUninterruptibly();
        }
        if (threaded != null)
        {
            threaded.close();
        }
        if (streamServer != null)
        {
            streamServer.close();
        }
        for (final RpcConnection connection : connections)
        {
            connection.close();
            onClosed(connection);
        }
        shutdownThreads();
    }

    private void shutdownThreads()
    {
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        timer.close();
        if (ownedExecutor != null)
        {
            ownedExecutor.shutdown();
        }
    }
}
