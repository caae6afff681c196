package io.conduit.rpc.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;

/**
 * A plaintext RPC server over TCP whose every connection is read by a thread of its own, blocked in the socket's
 * {@code read}: a request costs that thread one wake-up, and the call runs from its socket to the handler with no
 * event loop, selector or pipeline in between ({@code tcp://host:port?io=thread}). Measured against a blocking
 * socket echo on one CPU, this puts the RPC tail at the floor's, where the event-loop server's was three times it:
 * far less code runs per call, so far less of it is still being compiled when the calls come.
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
    private static final int INITIAL_FRAME_BYTES = 64 * 1024;
    private static final long ACCEPT_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final TcpRpcTransport transport;
    private final FrameListener listener;
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
     */
    ThreadedTcpServer(final Conduit conduit, final Endpoint endpoint, final FrameListener listener)
    {
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
     * One client's connection: read on its own thread, written by whichever thread replies.
     */
    private final class Connection extends RpcConnection
    {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final ReentrantLock writeLock = new ReentrantLock();
        private byte[] writeBytes = new byte[1024];
        private volatile long lastReadNs = System.nanoTime();
        private volatile long lastWriteNs = System.nanoTime();
        /** When the write in progress began, or 0. */
        private volatile long writingSinceNs;

        Connection(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void read()
        {
            final RpcFrame frame = new RpcFrame();
            byte[] bytes = new byte[INITIAL_FRAME_BYTES];
            try
            {
                while (open.get())
                {
                    if (!readFully(bytes, 0, RpcFrameDescriptor.LENGTH_OFFSET + Integer.BYTES, true))
                    {
                        break;
                    }
                    final int length =
                        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(RpcFrameDescriptor.LENGTH_OFFSET);
                    if (length < RpcFrameDescriptor.HEADER_LENGTH || length > maxFrameLength)
                    {
                        throw new MalformedFrameException("frame length out of range: lengthBytes=" + length +
                            ", maxFrameLength=" + maxFrameLength);
                    }
                    if (length > bytes.length)
                    {
                        bytes = Arrays.copyOf(bytes, length);
                    }
                    final int lengthEnd = RpcFrameDescriptor.LENGTH_OFFSET + Integer.BYTES;
                    readFully(bytes, lengthEnd, length - lengthEnd, false);
                    final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
                    if (frame.wrap(buffer, 0, length).type() != RpcFrameDescriptor.TYPE_HEARTBEAT)
                    {
                        listener.onFrame(this, frame);
                    }
                    if (isWriteStuck(System.nanoTime()))
                    {
                        // A client that keeps writing but stopped reading never lets the read time out.
                        transport.heartbeatTimeout(this);
                    }
                    if (bytes.length > INITIAL_FRAME_BYTES)
                    {
                        bytes = new byte[INITIAL_FRAME_BYTES];
                    }
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
         * @param atFrameStart true when the peer may end the stream here.
         * @return false when the stream ended cleanly at a frame's start.
         * @throws EOFException wrapped in a {@link MalformedFrameException} when it ended inside a frame.
         */
        private boolean readFully(final byte[] bytes, final int offset, final int length, final boolean atFrameStart)
            throws IOException
        {
            int done = 0;
            while (done < length)
            {
                final int read;
                try
                {
                    read = in.read(bytes, offset + done, length - done);
                }
                catch (final SocketTimeoutException ex)
                {
                    onQuiet();
                    if (!open.get())
                    {
                        throw new EOFException("connection closed");
                    }
                    continue;
                }
                if (read < 0)
                {
                    if (atFrameStart && done == 0)
                    {
                        return false;
                    }
                    throw new MalformedFrameException("connection closed inside a frame: offset=" + (offset + done));
                }
                done += read;
                lastReadNs = System.nanoTime();
            }
            return true;
        }

        /**
         * A heartbeat interval passed with nothing to read.
         */
        private void onQuiet()
        {
            final long nowNs = System.nanoTime();
            if (nowNs - lastReadNs >= timeoutNs || isWriteStuck(nowNs))
            {
                transport.heartbeatTimeout(this);
            }
            else if (nowNs - lastWriteNs >= intervalNs && writeLock.tryLock())
            {
                // Never wait for a write in progress: this thread is the one that notices a write stuck.
                try
                {
                    final RpcFrameDescriptor.FrameBuffer heartbeat = RpcFrameDescriptor.FrameBuffer.current();
                    send(heartbeat.buffer(), 0, RpcFrameDescriptor.encodeHeartbeat(heartbeat));
                }
                finally
                {
                    writeLock.unlock();
                }
            }
        }

        /**
         * @return true when a write has been blocked for the heartbeat timeout: the client stopped reading, its
         * socket buffer is full, and the thread writing to it must be freed by closing the connection.
         */
        private boolean isWriteStuck(final long nowNs)
        {
            final long writingSince = writingSinceNs;
            return writingSince != 0 && nowNs - writingSince >= timeoutNs;
        }

        @Override
        public boolean send(final ByteBuffer buffer, final int offset, final int length)
        {
            writeLock.lock();
            try
            {
                if (!open.get())
                {
                    return false;
                }
                if (writeBytes.length < length)
                {
                    writeBytes = new byte[Math.max(length, writeBytes.length * 2)];
                }
                final ByteBuffer source = buffer.duplicate();
                source.limit(offset + length).position(offset);
                source.get(writeBytes, 0, length);
                writingSinceNs = System.nanoTime();
                try
                {
                    out.write(writeBytes, 0, length);
                    lastWriteNs = System.nanoTime();
                    return true;
                }
                catch (final IOException ex)
                {
                    close();
                    return false;
                }
                finally
                {
                    writingSinceNs = 0;
                    if (writeBytes.length > INITIAL_FRAME_BYTES)
                    {
                        writeBytes = new byte[1024];
                    }
                }
            }
            finally
            {
                writeLock.unlock();
            }
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
                connections.remove(this);
                transport.disconnected();
                listener.onClosed(this);
            }
        }
    }
}
