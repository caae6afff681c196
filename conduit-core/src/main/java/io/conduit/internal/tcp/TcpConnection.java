package io.conduit.internal.tcp;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.SESSION_ID_OFFSET;
import static io.conduit.internal.FrameDescriptor.STREAM_ID_OFFSET;

/**
 * One TCP connection: its pipeline (TLS, heartbeats, frame decoding), its outbound batcher, and the
 * {@link Role} that gives its frames meaning. Lives on one event loop; only the batcher is used from other
 * threads, except that once reading is {@link #handOverReading handed over} to a subscription's poller, frames
 * reach the role on that thread, one at a time.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter
    implements TcpFrameDecoder.FrameSink, PolledFrameReader.Owner
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

    /**
     * What a connection is for: a publication talking to a subscriber, a listener serving publishers, and so on.
     * Called on the connection's event loop.
     */
    interface Role
    {
        /**
         * The connection is up and, with TLS, the handshake is done.
         */
        void onOpen(TcpConnection connection);

        /**
         * A HELLO frame arrived.
         */
        void onHello(TcpConnection connection, int streamId, int sessionId);

        /**
         * A DATA or SESSION_END frame arrived.
         *
         * @return false to pause reading until the role resumes the connection.
         */
        boolean onData(TcpConnection connection, ByteBuf buffer, int index, int frameLength, int type);

        /**
         * A batch of DATA frames was handed to {@link #onData}: time to wake blocked pollers.
         */
        default void onFramesHandled()
        {
        }

        /**
         * The connection closed, for whatever reason. Called once, and only after {@link #onOpen}.
         */
        void onClose(TcpConnection connection);

        /**
         * The peer sent an ERROR frame, or refused the TLS handshake; the connection closes next.
         *
         * @return true when the role reported it, false to have the connection log it.
         */
        default boolean onPeerError(TcpConnection connection, ErrorCode code, String message)
        {
            return false;
        }
    }

    private final Channel channel;
    private final Role role;
    private final Counters counters;
    private final OutboundBatcher batcher;
    private final TcpFrameDecoder decoder;
    private final ConnectionLiveness liveness;
    private final Runnable resumeTask = this::resume;
    private final Runnable scheduleResume;
    private final int maxFrameLength;
    private boolean open;
    private boolean warned;
    private boolean tlsFailed;
    private volatile boolean closing;
    private PolledTcpSubscription poller;
    private volatile PolledFrameReader polledReader;
    private long readAttemptsAtLastCheck = -1;

    private TcpConnection(
        final Channel channel, final Role role, final Conduit.Context context, final Counters counters, final boolean tls)
    {
        this.channel = channel;
        this.role = role;
        this.counters = counters;
        this.maxFrameLength = context.tcpFrameLength();
        this.decoder = new TcpFrameDecoder(this, maxFrameLength);
        this.liveness = new ConnectionLiveness(context.heartbeatIntervalMs(), context.heartbeatTimeoutMs(),
            this::sendHeartbeat, this::onPeerSilent, this::isReadingPaused, System::nanoTime);
        this.batcher = new OutboundBatcher(
            channel, context.publicationWindowBytes(), context.tcpFrameLength(), !tls, liveness::wrote);
        this.scheduleResume = () -> channel.eventLoop().execute(resumeTask);
    }

    /**
     * Build the pipeline of a new channel and attach a connection to it.
     *
     * @param tls        context, or null for plaintext.
     * @param clientSide true on the connecting side, for TLS.
     * @param peerHost   host name to verify the listener's certificate against, on the connecting side.
     */
    static TcpConnection attach(
        final Channel channel,
        final Role role,
        final Conduit.Context context,
        final Counters counters,
        final SslContext tls,
        final String peerHost,
        final int peerPort)
    {
        final TcpConnection connection = new TcpConnection(channel, role, context, counters, tls != null);
        final ChannelPipeline pipeline = channel.pipeline();
        if (tls != null)
        {
            final SslHandler ssl = peerHost != null ?
                tls.newHandler(channel.alloc(), peerHost, peerPort) : tls.newHandler(channel.alloc());
            if (peerHost != null)
            {
                final SSLParameters parameters = ssl.engine().getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.engine().setSSLParameters(parameters);
            }
            ssl.setHandshakeTimeoutMillis(context.connectTimeoutMs());
            pipeline.addLast("tls", ssl);
        }
        pipeline.addLast("liveness", connection.liveness);
        pipeline.addLast("frames", connection.decoder);
        pipeline.addLast("connection", connection);
        return connection;
    }

    Channel channel()
    {
        return channel;
    }

    OutboundBatcher batcher()
    {
        return batcher;
    }

    /**
     * @return a task that, run from any thread, resumes this connection's reading on its event loop.
     */
    Runnable resumeFromAnyThread()
    {
        return scheduleResume;
    }

    @Override
    public SocketAddress peer()
    {
        return channel.remoteAddress();
    }

    void sendHello(final int streamId, final int sessionId)
    {
        batcher.appendControl(FrameDescriptor.TYPE_HELLO, streamId, sessionId, null);
    }

    void sendSessionEnd(final int streamId, final int sessionId)
    {
        batcher.appendControl(FrameDescriptor.TYPE_SESSION_END, streamId, sessionId, null);
    }

    /**
     * Send an ERROR frame, then close once it is written.
     */
    void sendErrorAndClose(final ErrorCode code, final String message)
    {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer payload = ByteBuffer.allocate(4 + Math.min(text.length, 1024)).order(
            ByteOrder.LITTLE_ENDIAN);
        payload.putInt(code.value()).put(text, 0, payload.remaining()).flip();
        batcher.appendControl(FrameDescriptor.TYPE_ERROR, 0, 0, payload);
        closeAfterFlush();
    }

    /**
     * Write what is buffered, then close.
     */
    void closeAfterFlush()
    {
        closing = true;
        batcher.close();
        channel.eventLoop().execute(() ->
        {
            batcher.flush();
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        });
    }

    /**
     * Close from any thread.
     */
    @Override
    public void close()
    {
        closing = true;
        batcher.close();
        channel.close();
    }

    /**
     * @return true once closing has begun, from any cause.
     */
    @Override
    public boolean isClosing()
    {
        return closing;
    }

    /**
     * From now on let this subscription's poller read the socket instead of the event loop
     * ({@code ?delivery=poller}). Runs once the frames read so far are decoded: they reach the subscription first,
     * and what is left of a frame not yet whole goes to the poller. Call on the event loop.
     *
     * @param subscription whose poller reads this connection.
     */
    void handOverReading(final PolledTcpSubscription subscription)
    {
        channel.eventLoop().execute(() -> handOver(subscription));
    }

    private void handOver(final PolledTcpSubscription subscription)
    {
        if (closing || !channel.isActive() || polledReader != null)
        {
            return;
        }
        if (decoder.isPaused())
        {
            // A frame waits for room in the ring: the event loop delivers it first, then hands over.
            channel.eventLoop().schedule(() -> handOver(subscription), 1, TimeUnit.MILLISECONDS);
            return;
        }
        channel.config().setAutoRead(false);
        final ByteBuf rest = decoder.handOver();
        final PolledFrameReader reader =
            new PolledFrameReader(this, (DirectWriteSocketChannel)channel, maxFrameLength, rest);
        if (rest != null)
        {
            rest.release();
        }
        poller = subscription;
        polledReader = reader;
        subscription.addReader(reader);
    }

    /**
     * The poller read bytes from the socket; any thread.
     */
    @Override
    public void readByPoller(final long nowNs)
    {
        liveness.read(nowNs);
    }

    /**
     * Report a protocol error found off the event loop: it is handled there.
     */
    @Override
    public void protocolErrorFromAnyThread(final ErrorCode code, final String detail)
    {
        closing = true;
        channel.eventLoop().execute(() -> protocolError(code, detail));
    }

    /**
     * Silence from the peer is this side's doing while the decoder waits for room, and, once a poller reads the
     * socket, while the poller has neither read since the last check nor sleeps on the socket, or waits for room.
     */
    private boolean isReadingPaused()
    {
        final PolledFrameReader reader = polledReader;
        if (reader == null)
        {
            return decoder.isPaused();
        }
        final long attempts = reader.readAttempts();
        final boolean paused = (attempts == readAttemptsAtLastCheck && !reader.isWatched()) || reader.isBlocked();
        readAttemptsAtLastCheck = attempts;
        return paused;
    }

    /**
     * Stop decoding because the peer broke the protocol: count, log once, tell the peer, close.
     */
    void protocolError(final ErrorCode code, final String detail)
    {
        counters.increment(Counter.PROTOCOL_ERRORS);
        warnOnce("protocol error: {}, peer={}", detail, peer());
        sendErrorAndClose(code, detail);
    }

    @Override
    public void onProtocolError(final ErrorCode code, final String detail)
    {
        protocolError(code, detail);
    }

    @Override
    public void onFramesHandled()
    {
        role.onFramesHandled();
    }

    @Override
    public boolean onFrame(final ByteBuf buffer, final int index, final int frameLength, final int type)
    {
        switch (type)
        {
            case FrameDescriptor.TYPE_HELLO:
                role.onHello(this, buffer.getIntLE(index + STREAM_ID_OFFSET), buffer.getIntLE(index + SESSION_ID_OFFSET));
                return true;

            case FrameDescriptor.TYPE_DATA:
            case FrameDescriptor.TYPE_SESSION_END:
                return role.onData(this, buffer, index, frameLength, type);

            case FrameDescriptor.TYPE_ERROR:
                onPeerError(buffer, index, frameLength);
                return true;

            default:
                return true;
        }
    }

    private void onPeerError(final ByteBuf buffer, final int index, final int frameLength)
    {
        final int payloadLength = frameLength - HEADER_LENGTH;
        final ErrorCode code = payloadLength >= 4 ?
            ErrorCode.fromValue(buffer.getIntLE(index + HEADER_LENGTH)) : ErrorCode.GENERIC_ERROR;
        final String text = payloadLength > 4 ?
            buffer.toString(index + HEADER_LENGTH + 4, payloadLength - 4, StandardCharsets.UTF_8) : "";
        counters.increment(Counter.ERRORS);
        if (!role.onPeerError(this, code, text))
        {
            warnOnce("peer reported error: code={}, message={}, peer={}", code, text, peer());
        }
        close();
    }

    private void resume()
    {
        decoder.resume();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        if (channel.pipeline().get(SslHandler.class) == null)
        {
            open();
        }
        ctx.fireChannelActive();
    }

    private void open()
    {
        open = true;
        counters.increment(Counter.CONNECTIONS);
        role.onOpen(this);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closing = true;
        batcher.close();
        final PolledFrameReader reader = polledReader;
        if (reader != null)
        {
            reader.finish();
            poller.removeReader(reader);
        }
        if (open)
        {
            open = false;
            counters.increment(Counter.DISCONNECTS);
            role.onClose(this);
        }
        ctx.fireChannelInactive();
    }

    private void sendHeartbeat()
    {
        batcher.appendControl(FrameDescriptor.TYPE_HEARTBEAT, 0, 0, null);
    }

    private void onPeerSilent()
    {
        counters.increment(Counter.HEARTBEAT_TIMEOUTS);
        warnOnce("peer silent past heartbeat timeout, closing: peer={}", peer(), null);
        close();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof SslHandshakeCompletionEvent)
        {
            final SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent)event;
            if (handshake.isSuccess())
            {
                open();
            }
            else
            {
                tlsFailed(handshake.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * Count and report a TLS failure once: a handshake that failed here, or (TLS 1.3) a client certificate the
     * listener refused after this side thought the handshake done.
     */
    private void tlsFailed(final Throwable cause)
    {
        if (!tlsFailed)
        {
            tlsFailed = true;
            counters.increment(Counter.TLS_FAILURES);
            final String reason = rootMessage(cause);
            if (!role.onPeerError(this, ErrorCode.TLS_HANDSHAKE_FAILED, "tls handshake failed: " + reason))
            {
                warnOnce("tls handshake failed: peer={}, reason={}", peer(), reason);
            }
        }
        close();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        final Throwable root = rootCause(cause);
        if (root instanceof SSLException)
        {
            tlsFailed(cause);
            return;
        }
        if (root instanceof IOException)
        {
            // A peer that went away: expected in a distributed system, and counted as a disconnect.
            LOG.info("connection lost: peer={}, reason={}", peer(), rootMessage(cause));
        }
        else
        {
            counters.increment(Counter.ERRORS);
            warnOnce("connection failed: peer={}, reason={}", peer(), rootMessage(cause));
        }
        close();
    }

    private void warnOnce(final String format, final Object first, final Object second)
    {
        if (!warned)
        {
            warned = true;
            LOG.warn(format, first, second);
        }
    }

    private void warnOnce(final String format, final Object first, final Object second, final Object third)
    {
        if (!warned)
        {
            warned = true;
            LOG.warn(format, first, second, third);
        }
    }

    private static Throwable rootCause(final Throwable throwable)
    {
        Throwable cause = throwable;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        return cause;
    }

    static String rootMessage(final Throwable throwable)
    {
        final Throwable root = rootCause(throwable);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
