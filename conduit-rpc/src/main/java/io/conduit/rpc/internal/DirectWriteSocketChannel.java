package io.conduit.rpc.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A Netty NIO socket channel that also lets a calling thread write to the socket itself, so that a call on an
 * idle connection leaves without waking the event loop. The JDK's {@link SocketChannel} serializes writes and
 * never lets a write racing a close reach a reused descriptor; {@link TcpRpcConnection} keeps frames in order
 * by writing directly only when nothing is queued for the event loop. The same idea as conduit-core's TCP
 * transport.
 */
final class DirectWriteSocketChannel extends NioSocketChannel
{
    DirectWriteSocketChannel()
    {
    }

    DirectWriteSocketChannel(final Channel parent, final SocketChannel socket)
    {
        super(parent, socket);
    }

    /**
     * Write without blocking, from any thread.
     *
     * @param source bytes between its position and limit; its position advances past what was written.
     * @return the bytes written, possibly 0 when the socket buffer is full.
     * @throws IOException when the connection is broken.
     */
    int writeDirect(final ByteBuffer source) throws IOException
    {
        return javaChannel().write(source);
    }

    /**
     * A server channel whose accepted connections are {@link DirectWriteSocketChannel}s.
     */
    static final class Server extends NioServerSocketChannel
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
