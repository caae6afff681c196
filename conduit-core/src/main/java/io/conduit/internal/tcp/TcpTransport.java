package io.conduit.internal.tcp;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counters;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.RingSubscription;
import io.conduit.internal.Transport;

/**
 * {@code tcp://host:port}: Netty over NIO, or native epoll when {@code Context.nativeTransport} asks for it and it
 * loads; one event loop thread per two cores. By default subscriptions listen and publications connect;
 * {@code ?listen=publisher} reverses it for fan-out. A subscription with {@code ?delivery=poller} reads its
 * connections' sockets on its polling thread once each connection's HELLO is in (see
 * {@link PolledTcpSubscription}).
 * {@code ?tls=true} runs TLS 1.3 with the keys and trust of the {@link Conduit.Context}.
 */
public final class TcpTransport implements Transport
{
    private final Conduit.Context context;
    private final Counters counters;
    private final EventLoopGroup group;
    private final ChannelFactory<? extends Channel> channelFactory;
    private final ChannelFactory<? extends ServerChannel> serverChannelFactory;
    private final Map<String, TcpListener> listeners = new HashMap<>();
    private SslContext listenerTls;
    private SslContext connectorTls;

    /**
     * @param context  of the owning Conduit.
     * @param counters of the owning Conduit, for connection-level events.
     */
    public TcpTransport(final Conduit.Context context, final Counters counters)
    {
        this.context = context;
        this.counters = counters;
        final int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        final DefaultThreadFactory threadFactory = new DefaultThreadFactory("conduit-tcp", true);
        if (context.nativeTransport() && Epoll.isAvailable())
        {
            group = new EpollEventLoopGroup(threads, threadFactory);
            channelFactory = EpollSocketChannel::new;
            serverChannelFactory = EpollServerSocketChannel::new;
        }
        else
        {
            group = new NioEventLoopGroup(threads, threadFactory);
            channelFactory = DirectWriteSocketChannel::new;
            serverChannelFactory = DirectWriteSocketChannel.Server::new;
        }
    }

    Conduit.Context context()
    {
        return context;
    }

    @Override
    public Publication addPublication(final Endpoint endpoint, final int streamId)
    {
        refuseRpcServerOptions(endpoint);
        tlsFor(endpoint, false);
        if (listenMode(endpoint) == TcpListener.Mode.PUBLISHERS)
        {
            final TcpListener listener = acquireListener(endpoint, TcpListener.Mode.PUBLISHERS);
            return TcpPublication.listening(this, listener.endpoint(), streamId, listener);
        }
        return TcpPublication.connecting(this, endpoint, streamId);
    }

    @Override
    public Subscription addSubscription(final Endpoint endpoint, final int streamId)
    {
        refuseRpcServerOptions(endpoint);
        tlsFor(endpoint, false);
        final boolean pollerReads = "poller".equals(endpoint.option("delivery", null));
        if (pollerReads)
        {
            checkPollerDelivery(endpoint);
        }
        if (listenMode(endpoint) == TcpListener.Mode.SUBSCRIBERS)
        {
            final TcpListener listener = acquireListener(endpoint, TcpListener.Mode.SUBSCRIBERS);
            final RingSubscription[] holder = new RingSubscription[1];
            final Runnable onClose = () -> release(listener, l -> l.removeSubscription(holder[0]));
            holder[0] = pollerReads ?
                new PolledTcpSubscription(listener.endpoint(), streamId, context.subscriptionBufferBytes(),
                    context.maxMessageLength(), onClose) :
                new RingSubscription(listener.endpoint(), streamId, context.subscriptionBufferBytes(),
                    context.maxMessageLength(), onClose);
            listener.addSubscription(holder[0]);
            return holder[0];
        }
        final TcpConnector[] connector = new TcpConnector[1];
        final RingSubscription subscription = new RingSubscription(endpoint, streamId,
            context.subscriptionBufferBytes(), context.maxMessageLength(), () -> connector[0].close());
        connector[0] = new TcpConnector(this, endpoint, new FanoutSubscriberRole(subscription, () -> connector[0]));
        connector[0].connect();
        return subscription;
    }

    /**
     * {@code io} chooses how an RPC server reads its connections: refused for messaging, which has its own option.
     */
    private static void refuseRpcServerOptions(final Endpoint endpoint)
    {
        if (endpoint.option("io", null) != null)
        {
            throw new IllegalArgumentException("io is an option of RPC servers, not of publications and " +
                "subscriptions (for a subscription that reads its own sockets, see delivery=poller): uri=" + endpoint);
        }
    }

    /**
     * {@code ?delivery=poller} reads plaintext sockets the subscription accepted, through the NIO channels that
     * allow a read off the event loop.
     */
    private void checkPollerDelivery(final Endpoint endpoint)
    {
        final String reason;
        if (listenMode(endpoint) != TcpListener.Mode.SUBSCRIBERS)
        {
            reason = "the subscription must listen, not with listen=publisher";
        }
        else if (endpoint.booleanOption("tls", false))
        {
            reason = "plaintext only, not with tls=true";
        }
        else if (!(group instanceof NioEventLoopGroup))
        {
            reason = "the NIO transport only, not with the native transport (conduit.tcp.native)";
        }
        else
        {
            return;
        }
        throw new IllegalArgumentException("delivery=poller: " + reason + ", uri=" + endpoint);
    }

    private static TcpListener.Mode listenMode(final Endpoint endpoint)
    {
        final String listen = endpoint.option("listen", "subscriber").toLowerCase(Locale.ROOT);
        switch (listen)
        {
            case "subscriber":
            case "sub":
                return TcpListener.Mode.SUBSCRIBERS;
            case "publisher":
            case "pub":
                return TcpListener.Mode.PUBLISHERS;
            default:
                throw new IllegalArgumentException("invalid option: listen=" + listen +
                    " (expected subscriber or publisher), uri=" + endpoint);
        }
    }

    private synchronized TcpListener acquireListener(final Endpoint endpoint, final TcpListener.Mode mode)
    {
        final boolean tls = endpoint.booleanOption("tls", false);
        final String key = endpoint.address();
        TcpListener listener = endpoint.port() == 0 ? null : listeners.get(key);
        if (listener != null)
        {
            if (listener.mode() != mode || listener.isTls() != tls)
            {
                throw new ConduitException(ErrorCode.ADDRESS_IN_USE, "endpoint already listening differently: " +
                    "endpoint=" + key + ", mode=" + listener.mode() + ", tls=" + listener.isTls());
            }
            return listener;
        }
        listener = new TcpListener(mode, tls);
        final SslContext sslContext = tls ? tlsFor(endpoint, true) : null;
        final TcpListener bound = listener;
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channelFactory(serverChannelFactory)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, writeBufferWaterMark())
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel channel)
                {
                    TcpConnection.attach(channel, bound.newConnectionRole(), context, counters, sslContext, null, 0);
                }
            });
        final ChannelFuture future = bootstrap.bind(new InetSocketAddress(endpoint.host(), endpoint.port()))
            .awaitUninterruptibly();
        if (!future.isSuccess())
        {
            final Throwable cause = future.cause();
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use"))
            {
                throw new ConduitException(ErrorCode.ADDRESS_IN_USE,
                    "address in use: endpoint=" + key + ", reason=" + cause.getMessage(), cause);
            }
            throw new ConduitException(ErrorCode.GENERIC_ERROR,
                "cannot listen: endpoint=" + key + ", reason=" + TcpConnection.rootMessage(cause), cause);
        }
        final int port = ((InetSocketAddress)future.channel().localAddress()).getPort();
        final Endpoint resolved = endpoint.port() == 0 ? endpoint.withPort(port) : endpoint;
        listener.bound(future.channel(), resolved);
        listeners.put(resolved.address(), listener);
        return listener;
    }

    /**
     * Run a removal on a listener, and close and forget it when that was its last party.
     */
    synchronized void release(final TcpListener listener, final Predicate<TcpListener> removal)
    {
        if (removal.test(listener))
        {
            listeners.remove(listener.endpoint().address());
            listener.close();
        }
    }

    ChannelFuture connect(final Endpoint endpoint, final TcpConnection.Role role)
    {
        final SslContext sslContext = tlsFor(endpoint, false);
        return new Bootstrap()
            .group(group)
            .channelFactory(channelFactory)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, writeBufferWaterMark())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, context.connectTimeoutMs()))
            .handler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel channel)
                {
                    TcpConnection.attach(
                        channel, role, context, counters, sslContext, endpoint.host(), endpoint.port());
                }
            })
            .connect(TcpConnector.address(endpoint));
    }

    /**
     * Netty's outbound buffer holds at most half the window before offers are back-pressured; the batch buffers
     * hold the other half.
     */
    private WriteBufferWaterMark writeBufferWaterMark()
    {
        final int high = context.publicationWindowBytes() / 2;
        return new WriteBufferWaterMark(high / 2, high);
    }

    private synchronized SslContext tlsFor(final Endpoint endpoint, final boolean listener)
    {
        if (!endpoint.booleanOption("tls", false))
        {
            return null;
        }
        if (listener)
        {
            if (listenerTls == null)
            {
                listenerTls = TlsContexts.forListener(context);
            }
            return listenerTls;
        }
        if (connectorTls == null)
        {
            connectorTls = TlsContexts.forConnector(context);
        }
        return connectorTls;
    }

    @Override
    public void close()
    {
        final TcpListener[] open;
        synchronized (this)
        {
            open = listeners.values().toArray(new TcpListener[0]);
            listeners.clear();
        }
        for (final TcpListener listener : open)
        {
            listener.close();
        }
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * A subscription's side of its connection to a publication's listener (fan-out mode).
     */
    private static final class FanoutSubscriberRole implements TcpConnection.Role
    {
        private final RingSubscription subscription;
        private final Supplier<TcpConnector> connector;
        private final RingDelivery delivery = new RingDelivery();
        private final RingSubscription[] targets;
        private final Set<Integer> sessions = new HashSet<>();

        FanoutSubscriberRole(
            final RingSubscription subscription, final Supplier<TcpConnector> connector)
        {
            this.subscription = subscription;
            this.connector = connector;
            this.targets = new RingSubscription[] {subscription};
        }

        @Override
        public void onOpen(final TcpConnection connection)
        {
            connection.sendHello(subscription.streamId(), 0);
        }

        @Override
        public void onHello(final TcpConnection connection, final int streamId, final int sessionId)
        {
            if (streamId != subscription.streamId())
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "hello for another stream: streamId=" + streamId);
                return;
            }
            connector.get().established();
            if (sessions.add(sessionId))
            {
                subscription.publicationConnected(1);
            }
        }

        @Override
        public boolean onData(
            final TcpConnection connection, final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            final int sessionId = buffer.getIntLE(index + FrameDescriptor.SESSION_ID_OFFSET);
            if (buffer.getIntLE(index + FrameDescriptor.STREAM_ID_OFFSET) != subscription.streamId() ||
                !sessions.contains(sessionId))
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "frame outside the connection's sessions: " +
                    "sessionId=" + sessionId);
                return true;
            }
            if (type == FrameDescriptor.TYPE_SESSION_END && sessions.remove(sessionId))
            {
                subscription.publicationConnected(-1);
            }
            return delivery.deliver(targets, buffer, index, frameLength, connection.resumeFromAnyThread());
        }

        @Override
        public void onFramesHandled()
        {
            delivery.wakeWaiters();
        }

        @Override
        public boolean onPeerError(final TcpConnection connection, final ErrorCode code, final String message)
        {
            connector.get().failed("code=" + code + ", message=" + message, true);
            return true;
        }

        @Override
        public void onClose(final TcpConnection connection)
        {
            for (final int sessionId : sessions)
            {
                subscription.publicationConnected(-1);
                subscription.endSession(sessionId);
            }
            sessions.clear();
        }
    }
}
