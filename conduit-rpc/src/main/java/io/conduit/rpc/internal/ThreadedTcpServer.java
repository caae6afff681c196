package io.conduit.rpc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;

/**
 * A plaintext RPC server over TCP whose every connection is read by a thread of its own, blocked in the socket's
 * {@code read}: a request costs that thread one wake-up, and the call runs from its socket to the handler with no
 * event loop, selector or pipeline in between ({@code tcp://host:port?io=thread}). Far less code runs per call
 * than through an event loop, so far less of it is still being compiled when the calls come, which on a busy CPU
 * shortens the latency's tail. One read takes in as many frames as have arrived, and the replies the reading
 * thread sends while it dispatches them leave together in one write, so throughput does not pay a system call
 * per reply.
 * <p>
 * It keeps the event-loop server's contract:
 * <ul>
 *     <li>a frame shorter than a header, longer than the Conduit's maximum message length, cut short by the
 *     peer's close, or that the RPC layer finds malformed is a protocol error that closes that connection only;</li>
 *     <li>a HEARTBEAT goes out after a heartbeat interval without writes, and a connection whose client has sent
 *     nothing for the heartbeat timeout is closed; so is one whose writes have been stuck that long (a client that
 *     stopped reading), which frees the thread blocked writing to it;</li>
 *     <li>closing the server closes every connection.</li>
 * </ul>
 * A thread per connection suits servers with tens or hundreds of clients, not tens of thousands: those are what
 * the event-loop server is for.
 */
final class ThreadedTcpServer implements AutoCloseable
{
    /** Beyond this many bytes of replies waiting for a writer, sends fail: the client is not reading. */
    private static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
    private static final long ACCEPT_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final TcpRpcTransport transport;
    private final FrameListener listener;
    private final DeadlineTimer timer;
    private final ServerSocket serverSocket;
    private final int maxFrameLength;
    private final int intervalMs;
    private final long intervalNs;
    private final long timeoutNs;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ThreadFactory readers = DaemonThreads.factory("conduit-rpc-server-conn");
    private volatile boolean closed;

    /**
     * Listen on the endpoint and start accepting.
     *
     * @param conduit  whose counters and heartbeat settings apply.
     * @param endpoint to listen on, plaintext.
     * @param listener for the frames of every connection.
     * @param timer    to watch for writes stuck on a client that stopped reading.
     */
    ThreadedTcpServer(
        final Conduit conduit, final Endpoint endpoint, final FrameListener listener, final DeadlineTimer timer)
    {
        this.timer = timer;
        this.transport = new TcpRpcTransport(conduit, endpoint, true);
        this.listener = listener;
        this.maxFrameLength = conduit.context().maxMessageLength();
        this.intervalMs = (int)Math.max(1, conduit.context().heartbeatIntervalMs());
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(conduit.context().heartbeatTimeoutMs());
        try
        {
            this.serverSocket = new ServerSocket();
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port()));
        }
        catch (final IOException ex)
        {
            throw new ConduitException(ErrorCode.ADDRESS_IN_USE, "rpc server cannot listen: endpoint=" + endpoint +
                ", reason=" + ex.getMessage(), ex);
        }
        final Thread acceptor = DaemonThreads.factory("conduit-rpc-server-accept").newThread(this::accept);
        acceptor.start();
    }

    /**
     * @return the port listened on.
     */
    int port()
    {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            serverSocket.close();
        }
        catch (final IOException ex)
        {
            // Closing: nothing to do about it.
        }
        for (final Connection connection : connections)
        {
            connection.close();
        }
    }

    private void accept()
    {
        while (!closed)
        {
            final Socket socket;
            try
            {
                socket = serverSocket.accept();
            }
            catch (final IOException ex)
            {
                if (!closed)
                {
                    // Out of file descriptors, say: count it and give the system a moment, not a busy loop.
                    transport.acceptFailed(ex);
                    LockSupport.parkNanos(ACCEPT_RETRY_NS);
                }
                continue;
            }
            try
            {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(intervalMs);
                final Connection connection = new Connection(socket);
                connections.add(connection);
                transport.connected();
                readers.newThread(connection::read).start();
                if (closed)
                {
                    connection.close();
                }
            }
            catch (final IOException ex)
            {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // Closing: nothing to do about it.
        }
    }

    /**
     * One client's connection: read on its own thread, written through a {@link CoalescingWriter} by whichever
     * thread replies. Replies the reading thread sends while it dispatches what one read brought leave together,
     * in one write, once it has dispatched them all.
     */
    private final class Connection extends RpcConnection
    {
        private final Socket socket;
        private final InputStream in;
        private final CoalescingWriter writer;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private volatile DeadlineTimer.Timer writeWatch;
        private volatile long lastReadNs = System.nanoTime();

        /** Touched only by the reading thread. */
        private final FrameReader frames = new FrameReader(maxFrameLength);

        Connection(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.writer = new CoalescingWriter(socket.getOutputStream(), MAX_PENDING_BYTES, this::close);
        }

        void read()
        {
            watchWrites(timeoutNs);
            try
            {
                while (open.get())
                {
                    final int read;
                    try
                    {
                        read = frames.read(in);
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        onQuiet();
                        continue;
                    }
                    if (read < 0)
                    {
                        if (frames.holdsPartialFrame())
                        {
                            throw new MalformedFrameException("connection closed inside a frame");
                        }
                        break;
                    }
                    final long nowNs = System.nanoTime();
                    lastReadNs = nowNs;
                    writer.deferUntilFlush();
                    try
                    {
                        frames.dispatch(this, listener);
                    }
                    finally
                    {
                        writer.flush();
                    }
                    // A client heartbeating as often as the read times out never lets it: look here too.
                    heartbeatIfDue(nowNs);
                }
            }
            catch (final RuntimeException ex)
            {
                // A malformed frame, or the RPC layer failing on one: this connection only.
                transport.protocolError(this, ex);
            }
            catch (final IOException ex)
            {
                // The client went away, or this connection was closed.
            }
            finally
            {
                close();
            }
        }

        /**
         * A heartbeat interval passed with nothing to read: close the connection when the client has been silent
         * for the timeout, else send a heartbeat when nothing was written for an interval.
         */
        private void onQuiet()
        {
            final long nowNs = System.nanoTime();
            if (nowNs - lastReadNs >= timeoutNs)
            {
                transport.heartbeatTimeout(this);
            }
            else
            {
                heartbeatIfDue(nowNs);
            }
        }

        private void heartbeatIfDue(final long nowNs)
        {
            if (nowNs - writer.lastWriteNs() >= intervalNs)
            {
                final RpcFrameDescriptor.FrameBuffer heartbeat = RpcFrameDescriptor.FrameBuffer.current();
                send(heartbeat.buffer(), 0, RpcFrameDescriptor.encodeHeartbeat(heartbeat));
            }
        }

        /**
         * On the server's timer, a timeout after the last look or a timeout after the write in progress began:
         * close the connection when a write has been blocked for the timeout (the client stopped reading and its
         * socket's buffers are full), which frees the thread blocked in it. Never blocks.
         */
        private void watchWrites(final long delayNs)
        {
            if (open.get())
            {
                writeWatch = timer.schedule(this::checkWrites, delayNs);
            }
        }

        private void checkWrites()
        {
            final long nowNs = System.nanoTime();
            if (!open.get())
            {
                return;
            }
            if (writer.isStuck(nowNs, timeoutNs))
            {
                transport.heartbeatTimeout(this);
                return;
            }
            final long writingSinceNs = writer.writingSinceNs();
            watchWrites(writingSinceNs == 0 ? timeoutNs : timeoutNs - (nowNs - writingSinceNs));
        }

        @Override
        public boolean send(final ByteBuffer source, final int offset, final int length)
        {
            return open.get() && writer.write(source, offset, length);
        }

        @Override
        public String peerIdentity()
        {
            return null;
        }

        @Override
        public String peerAddress()
        {
            return String.valueOf(socket.getRemoteSocketAddress());
        }

        @Override
        public boolean isOpen()
        {
            return open.get();
        }

        @Override
        public void close()
        {
            if (open.compareAndSet(true, false))
            {
                closeQuietly(socket);
                final DeadlineTimer.Timer watch = writeWatch;
                if (watch != null)
                {
                    watch.cancel();
                }
                connections.remove(this);
                transport.disconnected();
                listener.onClosed(this);
            }
        }
    }
}
