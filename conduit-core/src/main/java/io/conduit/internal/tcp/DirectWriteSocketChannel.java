package io.conduit.internal.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A Netty NIO socket channel that also lets a publishing thread write to the socket itself, so a message offered
 * to an idle connection leaves without waking the event loop, and lets a subscription's poller read it itself once
 * the event loop has stopped reading it ({@code ?delivery=poller}). The JDK's {@link SocketChannel} makes this safe:
 * its writes are serialized, and a close racing a write never lets the write reach a reused descriptor. The
 * {@link OutboundBatcher} (and conduit-rpc's TCP connection) make it ordered: they write directly only when
 * nothing is queued for the event loop.
 */
public final class DirectWriteSocketChannel extends NioSocketChannel implements PolledFrameReader.Source
{
    /**
     * A client channel, for a bootstrap's channel factory.
     */
    public DirectWriteSocketChannel()
    {
    }

    DirectWriteSocketChannel(final Channel parent, final SocketChannel socket)
    {
        super(parent, socket);
    }

    /**
     * Write without blocking from any thread.
     *
     * @param source bytes between its position and limit.
     * @return the bytes written, possibly 0 when the socket buffer is full.
     * @throws IOException when the connection is broken.
     */
    public int writeDirect(final ByteBuffer source) throws IOException
    {
        return javaChannel().write(source);
    }

    /**
     * Read without blocking from any thread; only one thread may read a socket, and the event loop must have
     * stopped reading it.
     *
     * @param destination to fill from its position up to its limit.
     * @return the bytes read, possibly 0, or -1 at the end of the stream.
     * @throws IOException when the connection is broken.
     */
    @Override
    public int readDirect(final ByteBuffer destination) throws IOException
    {
        return javaChannel().read(destination);
    }

    /**
     * Let a selector of the reading thread's own wake it when bytes arrive: a channel may be registered with several
     * selectors, and the event loop's no longer asks for reads once reading is handed over.
     *
     * @param selector of the thread that reads this socket.
     * @return the registration, to cancel when done.
     * @throws ClosedChannelException when the socket is closed.
     */
    @Override
    public SelectionKey registerReads(final Selector selector) throws ClosedChannelException
    {
        return javaChannel().register(selector, SelectionKey.OP_READ);
    }

    /**
     * A server channel whose accepted connections are {@link DirectWriteSocketChannel}s.
     */
    public static final class Server extends NioServerSocketChannel
    {
        @Override
        protected int doReadMessages(final List<Object> buf) throws Exception
        {
            final SocketChannel accepted = javaChannel().accept();
            if (accepted == null)
            {
                return 0;
            }
            buf.add(new DirectWriteSocketChannel(this, accepted));
            return 1;
        }
    }
}
