package io.conduit.rpc.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;

import io.conduit.internal.tcp.DirectWriteSocketChannel;

/**
 * An RPC connection over one Netty channel, with write batching: any thread appends frames under a lock into the
 * pending buffer, and the first append after a flush schedules one flush on the event loop, which writes
 * everything appended by then in one write, so under load many calls share one system call (frames sent on the
 * event loop itself, such as replies of handlers run there, are flushed once it has read what was waiting). When
 * at most one call is in flight on a plaintext connection and nothing is queued, a frame is written to the socket
 * at once by the thread sending it, saving the event loop's wake-up or its flush task (the latency case): by
 * another thread, or by the event loop when no bytes of further requests wait behind the one it is handling.
 * What the socket does not take at once is queued as usual. With more calls in flight, batching wins.
 */
final class TcpRpcConnection extends RpcConnection
{
    /** Beyond this many bytes waiting for the event loop, sends fail: the peer is not reading. */
    private static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
    private static final int INITIAL_BATCH_BYTES = 16 * 1024;

    private final Channel channel;
    private final RpcFrameDecoder frames;
    private final DirectWriteSocketChannel directChannel;
    private final Runnable flushTask = this::flush;
    private final ChannelFutureListener written = this::written;
    private boolean writeInProgress;
    private volatile String peerIdentity;
    private ByteBuf pending;
    private boolean flushScheduled;

    TcpRpcConnection(final Channel channel, final RpcFrameDecoder frames, final boolean directWrites)
    {
        this.channel = channel;
        this.frames = frames;
        this.directChannel = directWrites && channel instanceof DirectWriteSocketChannel ?
            (DirectWriteSocketChannel)channel : null;
    }

    @Override
    public boolean send(final ByteBuffer buffer, final int offset, final int length)
    {
        final boolean schedule;
        synchronized (this)
        {
            if (!channel.isActive())
            {
                return false;
            }
            final ByteBuffer frame = buffer.slice(offset, length);
            if (directChannel != null && calls().size() <= 1 && !flushScheduled && !writeInProgress && pending == null &&
                (!channel.eventLoop().inEventLoop() || !frames.hasBufferedBytes()))
            {
                try
                {
                    directChannel.writeDirect(frame);
                }
                catch (final IOException ex)
                {
                    channel.close();
                    return false;
                }
                if (!frame.hasRemaining())
                {
                    return true;
                }
            }
            if (pending == null)
            {
                pending = channel.alloc().directBuffer(Math.max(INITIAL_BATCH_BYTES, length));
            }
            else if (pending.readableBytes() + length > MAX_PENDING_BYTES)
            {
                return false;
            }
            pending.writeBytes(frame);
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule)
        {
            channel.eventLoop().execute(flushTask);
        }
        return true;
    }

    private void flush()
    {
        final ByteBuf batch;
        synchronized (this)
        {
            batch = pending;
            pending = null;
            flushScheduled = false;
            writeInProgress = batch != null;
        }
        if (batch != null)
        {
            channel.writeAndFlush(batch).addListener(written);
        }
    }

    private void written(final ChannelFuture future)
    {
        synchronized (this)
        {
            writeInProgress = false;
        }
    }

    void handshakeCompleted()
    {
        final SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null)
        {
            return;
        }
        try
        {
            final Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate)
            {
                peerIdentity = ((X509Certificate)chain[0]).getSubjectX500Principal().getName();
            }
        }
        catch (final SSLPeerUnverifiedException ex)
        {
            peerIdentity = null;
        }
    }

    @Override
    public String peerIdentity()
    {
        return peerIdentity;
    }

    @Override
    public String peerAddress()
    {
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public boolean isOpen()
    {
        return channel.isActive();
    }

    @Override
    public void close()
    {
        channel.close();
    }

    void releasePending()
    {
        synchronized (this)
        {
            if (pending != null)
            {
                pending.release();
                pending = null;
            }
        }
    }
}
