package io.conduit.rpc.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLParameters;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.internal.tcp.DirectWriteSocketChannel;
import io.conduit.internal.tcp.TlsContexts;

/**
 * RPC over TCP: one connection per client and server, frames delimited by their length field, TLS 1.3 with the
 * Conduit's settings when the endpoint says {@code ?tls=true} (clients verify the server's host name). Servers and
 * TLS clients use Netty; plaintext clients use a {@link SocketRpcConnection}, on which a blocking caller reads its
 * own reply.
 * Each side sends a HEARTBEAT frame when it has written nothing for the Conduit's heartbeat interval and closes a
 * connection that has been silent for its heartbeat timeout, so that a frozen or unreachable peer fails its calls
 * with {@code UNAVAILABLE} as a killed one does. A malformed or oversized frame, or a TLS
 * failure, is counted in the Conduit's counters ({@code PROTOCOL_ERRORS}), logged once per transport, and closes
 * that connection only; an I/O error (a peer gone) just closes it.
 */
final class TcpRpcTransport
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpRpcTransport.class);

    private final Conduit conduit;
    private final Endpoint endpoint;
    private final SslContext ssl;
    private final int maxFrameLength;
    private final AtomicBoolean errorLogged = new AtomicBoolean();

    TcpRpcTransport(final Conduit conduit, final Endpoint endpoint, final boolean listener)
    {
        this.conduit = conduit;
        this.endpoint = endpoint;
        final boolean tls = endpoint.booleanOption("tls", false);
        this.ssl = !tls ? null : listener ? TlsContexts.forListener(conduit.context()) :
            TlsContexts.forConnector(conduit.context());
        this.maxFrameLength = conduit.context().maxMessageLength();
    }

    /**
     * Listen on the endpoint.
     *
     * @return the bound server channel.
     */
    Channel bind(final EventLoopGroup group, final FrameListener listener)
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channelFactory(DirectWriteSocketChannel.Server::new)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(initializer(listener, false));
        final ChannelFuture bound = bootstrap.bind(new InetSocketAddress(endpoint.host(), endpoint.port()))
            .awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            throw new ConduitException(ErrorCode.ADDRESS_IN_USE, "rpc server cannot listen: endpoint=" + endpoint +
                ", reason=" + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * Connect to the endpoint.
     *
     * @return completed with the connection once it is ready (after the TLS handshake), or exceptionally.
     */
    CompletableFuture<RpcConnection> connect(final EventLoopGroup group, final FrameListener listener)
    {
        if (ssl == null)
        {
            return SocketRpcConnection.connect(this, listener, group,
                new InetSocketAddress(endpoint.host(), endpoint.port()), (int)conduit.context().connectTimeoutMs(),
                maxFrameLength, conduit.context().heartbeatIntervalMs(), conduit.context().heartbeatTimeoutMs());
        }
        final CompletableFuture<RpcConnection> ready = new CompletableFuture<>();
        final Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channelFactory(DirectWriteSocketChannel::new)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)conduit.context().connectTimeoutMs())
            .attr(Handler.READY, ready)
            .handler(initializer(listener, true));
        bootstrap.connect(endpoint.host(), endpoint.port()).addListener((ChannelFuture connected) ->
        {
            if (!connected.isSuccess())
            {
                ready.completeExceptionally(connected.cause());
            }
        });
        return ready;
    }

    private ChannelInitializer<SocketChannel> initializer(final FrameListener listener, final boolean client)
    {
        return new ChannelInitializer<>()
        {
            @Override
            protected void initChannel(final SocketChannel channel)
            {
                if (ssl != null)
                {
                    final SslHandler tls = client ?
                        ssl.newHandler(channel.alloc(), endpoint.host(), endpoint.port()) :
                        ssl.newHandler(channel.alloc());
                    if (client)
                    {
                        final SSLParameters parameters = tls.engine().getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        tls.engine().setSSLParameters(parameters);
                    }
                    tls.setHandshakeTimeoutMillis(conduit.context().connectTimeoutMs());
                    channel.pipeline().addLast("tls", tls);
                }
                channel.pipeline().addLast("idle", new IdleStateHandler(conduit.context().heartbeatTimeoutMs(),
                    conduit.context().heartbeatIntervalMs(), 0, TimeUnit.MILLISECONDS));
                final RpcFrameDecoder frames = new RpcFrameDecoder(maxFrameLength);
                channel.pipeline().addLast("frames", frames);
                channel.pipeline().addLast("rpc",
                    new Handler(new TcpRpcConnection(channel, frames, ssl == null), listener));
            }
        };
    }

    void connected()
    {
        conduit.counters().increment(Counter.CONNECTIONS);
    }

    void disconnected()
    {
        conduit.counters().increment(Counter.DISCONNECTS);
    }

    /**
     * Accepting a connection failed while listening (out of file descriptors, say): log it once per endpoint.
     */
    void acceptFailed(final Exception cause)
    {
        if (errorLogged.compareAndSet(false, true))
        {
            LOG.warn("rpc server failed to accept a connection, retrying (logged once per endpoint): endpoint={}, " +
                "reason={}", endpoint, String.valueOf(cause));
        }
    }

    /**
     * The peer has sent nothing, not even a heartbeat, for the heartbeat timeout: close the connection.
     */
    void heartbeatTimeout(final RpcConnection connection)
    {
        conduit.counters().increment(Counter.HEARTBEAT_TIMEOUTS);
        if (errorLogged.compareAndSet(false, true))
        {
            LOG.warn("rpc peer silent past heartbeat timeout, closing (logged once per endpoint): " +
                "endpoint={}, peer={}", endpoint, connection.peerAddress());
        }
        connection.close();
    }

    /**
     * A malformed frame or a failure of the connection's pipeline: count it, log it once, close the connection.
     */
    void protocolError(final RpcConnection connection, final Throwable cause)
    {
        if (!connection.isOpen())
        {
            return;
        }
        conduit.counters().increment(Counter.PROTOCOL_ERRORS);
        if (errorLogged.compareAndSet(false, true))
        {
            LOG.warn("rpc connection closed on error (logged once per endpoint): endpoint={}, peer={}, reason={}",
                endpoint, connection.peerAddress(), String.valueOf(cause));
        }
        connection.close();
    }

    private final class Handler extends ChannelInboundHandlerAdapter
    {
        static final io.netty.util.AttributeKey<CompletableFuture<RpcConnection>> READY =
            io.netty.util.AttributeKey.valueOf("conduit.rpc.ready");

        private final TcpRpcConnection connection;
        private final FrameListener listener;
        private final RpcFrame frame = new RpcFrame();

        Handler(final TcpRpcConnection connection, final FrameListener listener)
        {
            this.connection = connection;
            this.listener = listener;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            connected();
            if (ssl == null)
            {
                ready(ctx);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
        {
            if (event instanceof IdleStateEvent)
            {
                heartbeat((IdleStateEvent)event);
            }
            else if (event instanceof SslHandshakeCompletionEvent)
            {
                final SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent)event;
                if (handshake.isSuccess())
                {
                    connection.handshakeCompleted();
                    ready(ctx);
                }
                else
                {
                    conduit.counters().increment(Counter.TLS_FAILURES);
                    final CompletableFuture<RpcConnection> ready = ctx.channel().attr(READY).get();
                    if (ready != null)
                    {
                        ready.completeExceptionally(handshake.cause());
                    }
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        private void heartbeat(final IdleStateEvent event)
        {
            if (event.state() == IdleState.WRITER_IDLE)
            {
                final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
                connection.send(out.buffer(), 0, RpcFrameDescriptor.encodeHeartbeat(out));
            }
            else if (event.state() == IdleState.READER_IDLE)
            {
                heartbeatTimeout(connection);
            }
        }

        private void ready(final ChannelHandlerContext ctx)
        {
            final CompletableFuture<RpcConnection> ready = ctx.channel().attr(READY).get();
            if (ready != null)
            {
                ready.complete(connection);
            }
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf buf = (ByteBuf)msg;
            try
            {
                final ByteBuffer nio = buf.nioBuffer(buf.readerIndex(), buf.readableBytes());
                if (frame.wrap(nio, 0, nio.remaining()).type() != RpcFrameDescriptor.TYPE_HEARTBEAT)
                {
                    listener.onFrame(connection, frame);
                }
            }
            catch (final MalformedFrameException ex)
            {
                protocolError(connection, ex);
            }
            finally
            {
                buf.release();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            disconnected();
            connection.releasePending();
            final CompletableFuture<RpcConnection> ready = ctx.channel().attr(READY).get();
            if (ready != null)
            {
                ready.completeExceptionally(new ConduitException(ErrorCode.UNREACHABLE,
                    "rpc connection closed: endpoint=" + endpoint));
            }
            listener.onClosed(connection);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (cause instanceof IOException)
            {
                connection.close();
            }
            else
            {
                protocolError(connection, cause);
            }
        }
    }
}
