package io.conduit.rpc.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

import io.conduit.Conduit;
import io.conduit.Endpoint;
import io.conduit.rpc.Balancing;
import io.conduit.rpc.ClientInterceptor;
import io.conduit.rpc.Codec;
import io.conduit.rpc.MethodMetrics;
import io.conduit.rpc.RetryPolicy;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.RpcMetrics;
import io.conduit.rpc.Status;

/**
 * The machinery behind {@link io.conduit.rpc.RpcClient}: one {@link EndpointChannel} per endpoint, balancing,
 * the timer for deadlines, retries and reconnects, and the routing of replies to calls by call id.
 */
public final class ClientRuntime implements FrameListener
{
    private static final byte[] EMPTY = new byte[0];

    private final Conduit conduit;
    private final List<EndpointChannel> channels = new ArrayList<>();
    private final Map<Endpoint, TcpRpcTransport> tcpTransports = new HashMap<>();
    private final Balancing balancing;
    private final RetryPolicy retryPolicy;
    private final ClientInterceptor[] interceptors;
    private final BuiltInCodecs codecs;
    private final Map<Class<?>, Map<Method, RpcMethod>> services = new ConcurrentHashMap<>();
    private final DeadlineTimer timer;
    private final EventLoopGroup group;
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger turn = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Start connecting to the endpoints.
     *
     * @param conduit      that owns the transports.
     * @param endpoints    servers.
     * @param balancing    across endpoints.
     * @param retryPolicy  for idempotent methods.
     * @param interceptors around each call.
     * @param codecs       application codecs.
     */
    public ClientRuntime(
        final Conduit conduit,
        final List<String> endpoints,
        final Balancing balancing,
        final RetryPolicy retryPolicy,
        final List<ClientInterceptor> interceptors,
        final List<Codec> codecs)
    {
        this.conduit = conduit;
        this.balancing = balancing;
        this.retryPolicy = retryPolicy;
        this.interceptors = interceptors.toArray(new ClientInterceptor[0]);
        this.codecs = new BuiltInCodecs(codecs);
        boolean anyTcp = false;
        for (final String uri : endpoints)
        {
            final Endpoint endpoint = Endpoint.parse(uri);
            anyTcp |= endpoint.scheme() == Endpoint.Scheme.TCP;
            channels.add(new EndpointChannel(this, endpoint,
                conduit.context().reconnectBackoffMinMs(), conduit.context().reconnectBackoffMaxMs()));
        }
        this.group = anyTcp ? new NioEventLoopGroup(1, DaemonThreads.factory("conduit-rpc-client-io")) : null;
        this.timer = new DeadlineTimer("conduit-rpc-client-timer");
        try
        {
            for (final EndpointChannel channel : channels)
            {
                if (channel.endpoint().scheme() == Endpoint.Scheme.TCP)
                {
                    tcpTransports.put(channel.endpoint(), new TcpRpcTransport(conduit, channel.endpoint(), false));
                }
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        channels.forEach(EndpointChannel::connect);
    }

    /**
     * @param type    service interface.
     * @param options deadline and metadata for its calls.
     * @param <T>     the interface.
     * @return a proxy.
     */
    public <T> T proxy(final Class<T> type, final CallOptions options)
    {
        final Map<Method, RpcMethod> methods = services.computeIfAbsent(type, this::resolve);
        return type.cast(Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, new ProxyHandler(this, type, methods, options)));
    }

    private Map<Method, RpcMethod> resolve(final Class<?> type)
    {
        final Map<Method, RpcMethod> methods = new HashMap<>();
        for (final RpcMethod method : RpcMethod.of(type, codecs))
        {
            methods.put(method.method(), method);
        }
        return methods;
    }

    Object call(final RpcMethod method, final Object argument, final CallOptions options)
    {
        final ClientCallInfo info = new ClientCallInfo(method, options);
        final byte[] payload;
        try
        {
            for (final ClientInterceptor interceptor : interceptors)
            {
                interceptor.onCall(info);
            }
            payload = encodeArgument(method, argument);
        }
        catch (final RpcException ex)
        {
            callEnded(info, ex.status(), 0);
            if (method.kind() == RpcMethod.Kind.BLOCKING)
            {
                throw ex;
            }
            return method.kind() == RpcMethod.Kind.ASYNC ? CompletableFuture.failedFuture(ex) :
                new FailedPublisher(ex);
        }
        switch (method.kind())
        {
            case BLOCKING:
                return new UnaryCall(this, info, payload).start(false).await();
            case ASYNC:
                return new UnaryCall(this, info, payload).start(true);
            default:
                return new ClientStreamPublisher(this, info, payload);
        }
    }

    private static byte[] encodeArgument(final RpcMethod method, final Object argument)
    {
        if (!method.hasArgument())
        {
            return EMPTY;
        }
        try
        {
            return method.argumentCodec().encode(argument);
        }
        catch (final RuntimeException ex)
        {
            throw new RpcException(Status.INVALID_ARGUMENT, "cannot encode argument: method=" + method.fullName() +
                ", reason=" + ex.getMessage(), ex);
        }
    }

    EndpointChannel pick(final EndpointChannel avoid)
    {
        final int count = channels.size();
        final int start = Math.floorMod(turn.getAndIncrement(), count);
        EndpointChannel best = null;
        for (int i = 0; i < count; i++)
        {
            final EndpointChannel channel = channels.get((start + i) % count);
            if (channel == avoid && count > 1 || channel.readyConnection() == null)
            {
                continue;
            }
            if (balancing == Balancing.ROUND_ROBIN)
            {
                return channel;
            }
            if (best == null || channel.outstanding().get() < best.outstanding().get())
            {
                best = channel;
            }
        }
        if (best != null)
        {
            return best;
        }
        for (int i = 0; i < count; i++)
        {
            final EndpointChannel channel = channels.get((start + i) % count);
            if ((channel != avoid || count == 1) && !channel.isBackingOff())
            {
                return channel;
            }
        }
        return null;
    }

    CompletableFuture<RpcConnection> openConnection(final EndpointChannel channel)
    {
        try
        {
            final Endpoint endpoint = channel.endpoint();
            if (endpoint.scheme() == Endpoint.Scheme.TCP)
            {
                return tcpTransports.get(endpoint).connect(group, this);
            }
            return StreamPairClient.connect(conduit, endpoint, this);
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * @param callerReceives true when the thread sending will wait for the reply and {@link RpcConnection#receive
     *                       receive} it: a blocking call on its caller's thread.
     * @return false when the connection did not take the frame.
     */
    boolean sendCall(
        final RpcConnection connection,
        final long callId,
        final long timeoutNs,
        final ClientCallInfo info,
        final byte[] argument,
        final boolean callerReceives)
    {
        final RpcMethod method = info.method();
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        final int length = RpcFrameDescriptor.encodeCall(out, callId, timeoutNs, connection.replyStream(),
            method.id(), method.fullNameBytes(), info.wireMetadata(), argument);
        if (!connection.send(out.buffer(), 0, length))
        {
            return false;
        }
        if (!callerReceives)
        {
            connection.replyExpected();
        }
        return true;
    }

    void sendCancel(final RpcConnection connection, final long callId)
    {
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        connection.send(out.buffer(), 0, RpcFrameDescriptor.encodeCancel(out, callId));
    }

    void sendRequestN(final RpcConnection connection, final long callId, final long n)
    {
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        connection.send(out.buffer(), 0, RpcFrameDescriptor.encodeRequestN(out, callId, n));
    }

    @Override
    public void onFrame(final RpcConnection connection, final RpcFrame frame)
    {
        final long callId = frame.callId();
        switch (frame.type())
        {
            case RpcFrameDescriptor.TYPE_RESPONSE:
            {
                final Object pending = connection.calls().remove(callId);
                if (pending != null)
                {
                    ((ClientPending)pending).onResponse(frame.status(), frame);
                }
                break;
            }
            case RpcFrameDescriptor.TYPE_STREAM_ITEM:
            {
                final Object pending = connection.calls().get(callId);
                if (pending != null)
                {
                    ((ClientPending)pending).onItem(frame);
                }
                break;
            }
            default:
                throw new MalformedFrameException("unexpected frame at client: type=" + frame.type());
        }
    }

    @Override
    public void onClosed(final RpcConnection connection)
    {
        for (final EndpointChannel channel : channels)
        {
            if (channel.onClosed(connection))
            {
                break;
            }
        }
        final Status status = closed ? Status.CANCELLED : Status.UNAVAILABLE;
        final String description = closed ? "client closed: endpoint=" + connection.peerAddress() :
            "connection lost: endpoint=" + connection.peerAddress();
        for (final Long callId : new ArrayList<>(connection.calls().keySet()))
        {
            final Object pending = connection.calls().remove(callId);
            if (pending != null)
            {
                ((ClientPending)pending).onConnectionLost(status, description);
            }
        }
    }

    void callEnded(final ClientCallInfo info, final Status status, final long durationNs)
    {
        info.method().stats().record(status, durationNs);
        for (int i = interceptors.length - 1; i >= 0; i--)
        {
            try
            {
                interceptors[i].onComplete(info, status, durationNs);
            }
            catch (final RuntimeException ignore)
            {
                // An interceptor's failure must not stop the others: the call is over.
            }
        }
    }

    long nextCallId()
    {
        return callIds.incrementAndGet();
    }

    RetryPolicy retryPolicy()
    {
        return retryPolicy;
    }

    List<EndpointChannel> endpoints()
    {
        return channels;
    }

    boolean isClosed()
    {
        return closed;
    }

    DeadlineTimer.Timer schedule(final Runnable task, final long delayNs)
    {
        return timer.schedule(task, delayNs);
    }

    static String reason(final Throwable error)
    {
        final Throwable cause = error instanceof CompletionException && error.getCause() != null ?
            error.getCause() : error;
        return String.valueOf(cause.getMessage());
    }

    /**
     * @return per-method metrics now.
     */
    public RpcMetrics metrics()
    {
        final List<MethodMetrics> snapshots = new ArrayList<>();
        for (final Map<Method, RpcMethod> methods : services.values())
        {
            for (final RpcMethod method : methods.values())
            {
                snapshots.add(method.stats().snapshot());
            }
        }
        return new RpcMetrics(snapshots);
    }

    /**
     * Close every connection; calls in flight fail.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        channels.forEach(EndpointChannel::close);
        timer.close();
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
