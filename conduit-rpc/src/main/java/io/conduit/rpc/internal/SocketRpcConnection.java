package io.conduit.rpc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A plaintext RPC client connection over a blocking socket, on which a caller blocked for its reply reads the
 * socket itself instead of waiting to be woken by an I/O thread: the reply costs one wake-up, as it would a
 * hand-written socket client. The "leader/follower" pattern:
 * <ul>
 *     <li><b>Reading</b> is a role one thread holds at a time. A blocking caller takes it when it is free, reads
 *     and dispatches every frame that arrives (completing other calls too) until its own reply is in, then
 *     gives it up. A caller that finds the role taken just waits for its future: whoever reads delivers it.</li>
 *     <li>The connection's own thread takes the role while calls are outstanding that no caller is reading for
 *     (asynchronous and streaming calls, or calls left over when a leader leaves), and gives it up when none are
 *     left. It also connects, sends a HEARTBEAT after a heartbeat interval without writes, and drains the
 *     server's heartbeats while nobody reads. A watchdog that never blocks closes the connection when the
 *     server has been silent past the heartbeat timeout (a frozen server fails its calls with
 *     {@code UNAVAILABLE}, as a dead one does), which also frees any thread stuck writing to it.</li>
 *     <li><b>Writes</b> combine through a {@link CoalescingWriter}: under load many frames share one system call,
 *     at most {@link #MAX_PENDING_BYTES} wait, and frames sent from callbacks while received frames are
 *     dispatched (the next asynchronous call, typically) are written together once the dispatching ends.</li>
 * </ul>
 * A frame shorter than a header or longer than the Conduit's maximum message length, or one the RPC layer finds
 * malformed, is a protocol error that closes this connection only.
 */
final class SocketRpcConnection extends RpcConnection
{
    /** Beyond this many bytes waiting for a writer, sends fail: the server is not reading. */
    private static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
    /** How long a liveness probe waits for bytes when the server has sent nothing for a heartbeat interval. */
    private static final int PROBE_TIMEOUT_MS = 1;
    /** The shortest park of this connection's thread between liveness checks. */
    private static final long MIN_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TcpRpcTransport transport;
    private final FrameListener listener;
    private final ScheduledExecutorService watchdog;
    private final InetSocketAddress address;
    private final int connectTimeoutMs;
    private final long intervalNs;
    private final long timeoutNs;
    /** The longest a reading thread waits in one read before it looks at its call and the connection again. */
    private final int tickMs;
    private final CompletableFuture<RpcConnection> ready = new CompletableFuture<>();
    private final Socket socket = new Socket();
    private final Thread thread;
    /** The thread holding the reading role, or null. */
    private final AtomicReference<Thread> reader = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private InputStream in;
    private volatile CoalescingWriter writer;
    private volatile boolean connected;
    private volatile boolean parked;
    /**
     * Set when a call's reply has no caller to read it (an asynchronous call, or one left over when a reader left):
     * this connection's thread then reads. It never takes the reading role from blocking callers, who read their
     * own replies: a caller that found the role taken would wait to be woken, a path so rare that the JIT
     * compiles the call path without it, and recompiles it, slowly, the first time it is taken.
     */
    private volatile boolean readWanted;
    private volatile long lastReadNs;
    private volatile ScheduledFuture<?> silenceCheck;
    /** When this connection's thread last probed a server silent for an interval; touched by that thread only. */
    private long lastProbeNs;

    // Read state: touched only by the thread holding the reading role.
    private final FrameReader frames;
    private int soTimeoutMs = -1;

    private SocketRpcConnection(
        final TcpRpcTransport transport,
        final FrameListener listener,
        final ScheduledExecutorService watchdog,
        final InetSocketAddress address,
        final int connectTimeoutMs,
        final int maxFrameLength,
        final long heartbeatIntervalMs,
        final long heartbeatTimeoutMs)
    {
        this.transport = transport;
        this.watchdog = watchdog;
        this.listener = listener;
        this.address = address;
        this.connectTimeoutMs = connectTimeoutMs;
        this.frames = new FrameReader(maxFrameLength);
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
        this.tickMs = (int)Math.max(1, Math.min(heartbeatIntervalMs, heartbeatTimeoutMs) / 4);
        this.thread = DaemonThreads.factory("conduit-rpc-client-" + address.getPort()).newThread(this::run);
    }

    /**
     * Connect in the background.
     *
     * @param transport           to report connections, disconnects and errors to.
     * @param listener            of the frames received.
     * @param watchdog            to check the server's silence on, never blocked by this connection.
     * @param address             of the server.
     * @param connectTimeoutMs    before the attempt fails.
     * @param maxFrameLength      longest frame accepted.
     * @param heartbeatIntervalMs of write silence before a heartbeat is sent.
     * @param heartbeatTimeoutMs  of read silence before the connection closes.
     * @return completed with the connection once it is connected, or exceptionally.
     */
    static CompletableFuture<RpcConnection> connect(
        final TcpRpcTransport transport,
        final FrameListener listener,
        final ScheduledExecutorService watchdog,
        final InetSocketAddress address,
        final int connectTimeoutMs,
        final int maxFrameLength,
        final long heartbeatIntervalMs,
        final long heartbeatTimeoutMs)
    {
        final SocketRpcConnection connection = new SocketRpcConnection(transport, listener, watchdog, address,
            connectTimeoutMs, maxFrameLength, heartbeatIntervalMs, heartbeatTimeoutMs);
        connection.thread.start();
        return connection.ready;
    }

    @Override
    public boolean send(final ByteBuffer buffer, final int offset, final int length)
    {
        // Frames sent by callbacks of the frames being dispatched wait until all are, and leave together.
        final CoalescingWriter current = writer;
        return current != null && !closed.get() && current.write(buffer, offset, length);
    }

    @Override
    void receive(final Future<?> reply, final long deadlineNs)
    {
        // The role is taken only when free: a blocking call made from a callback run while reading (on this
        // connection's thread or a caller's) waits for its reply instead of reentering the reading.
        final Thread current = Thread.currentThread();
        if (current == thread || reply.isDone() || !reader.compareAndSet(null, current))
        {
            return;
        }
        try
        {
            // An interrupted caller stops receiving and leaves the flag set: its wait for the reply then throws
            // InterruptedException, which cancels the call here and on the server.
            while (!reply.isDone() && !closed.get() && !current.isInterrupted())
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    return;
                }
                readOnce((int)Math.min(tickMs, Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNs) + 1)));
            }
        }
        finally
        {
            reader.set(null);
            if (!calls().isEmpty())
            {
                replyExpected();
            }
        }
    }

    @Override
    void replyExpected()
    {
        readWanted = true;
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    private void run()
    {
        try
        {
            socket.setTcpNoDelay(true);
            socket.connect(address, connectTimeoutMs);
            in = socket.getInputStream();
            writer = new CoalescingWriter(socket.getOutputStream(), MAX_PENDING_BYTES, this::close);
        }
        catch (final IOException ex)
        {
            closeSocket();
            ready.completeExceptionally(ex);
            return;
        }
        final long now = System.nanoTime();
        lastReadNs = now;
        lastProbeNs = now;
        try
        {
            silenceCheck = watchdog.schedule(this::checkSilence, timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            // The client is closing.
            closeSocket();
            ready.completeExceptionally(ex);
            return;
        }
        connected = true;
        transport.connected();
        ready.complete(this);
        while (!closed.get())
        {
            if (readWanted && reader.compareAndSet(null, thread))
            {
                try
                {
                    // Claimed: a call that wants a reader from now on sets it again, after its call is in.
                    readWanted = false;
                    while (!closed.get() && !calls().isEmpty())
                    {
                        readOnce(tickMs);
                        checkLiveness(true);
                    }
                }
                finally
                {
                    releaseRead();
                }
            }
            checkLiveness(false);
            parked = true;
            if (!closed.get() && (!readWanted || reader.get() != null))
            {
                LockSupport.parkNanos(this, untilLivenessDueNs());
            }
            parked = false;
        }
    }

    /**
     * Send a heartbeat when nothing was written for an interval, and, when nobody is reading, read what the
     * server sent and probe a server silent for an interval (the watchdog judges the silence). Each falls due an
     * interval after the write, read or probe it follows, so calls flowing both ways leave nothing to do: this
     * thread wakes for it once an interval, not on a faster tick (code run that rarely is compiled late, and on
     * a busy CPU a compilation delays the calls).
     *
     * @param holdingRead true when this thread holds the reading role.
     */
    private void checkLiveness(final boolean holdingRead)
    {
        final long now = System.nanoTime();
        if (closed.get())
        {
            return;
        }
        if (now - writer.lastWriteNs() >= intervalNs)
        {
            final RpcFrameDescriptor.FrameBuffer heartbeat = RpcFrameDescriptor.FrameBuffer.current();
            send(heartbeat.buffer(), 0, RpcFrameDescriptor.encodeHeartbeat(heartbeat));
        }
        if (holdingRead)
        {
            return;
        }
        final boolean probe = probeDue(now);
        if (probe)
        {
            // Probed now, or read by the thread holding the role, which finds a close as well.
            lastProbeNs = now;
        }
        // With calls outstanding their callers read (or this thread, when one wants it), which finds a close too.
        if (calls().isEmpty() && (probe || available() > 0) && reader.compareAndSet(null, thread))
        {
            try
            {
                // Bytes waiting are read at once; a server silent for an interval is probed, which finds a close.
                readOnce(PROBE_TIMEOUT_MS);
            }
            finally
            {
                releaseRead();
            }
        }
    }

    /**
     * Give up the reading role this thread holds; a caller that found it taken meanwhile waits for its reply to be
     * read, by this thread from now on.
     */
    private void releaseRead()
    {
        reader.set(null);
        if (!calls().isEmpty())
        {
            readWanted = true;
        }
    }

    private boolean probeDue(final long now)
    {
        return now - lastReadNs >= intervalNs && now - lastProbeNs >= intervalNs;
    }

    /**
     * @return how long this connection's thread may park before a heartbeat or a probe falls due: at least a
     * millisecond, at most an interval.
     */
    private long untilLivenessDueNs()
    {
        final long now = System.nanoTime();
        final long sinceWriteNs = now - writer.lastWriteNs();
        final long sinceReadOrProbeNs = Math.min(now - lastReadNs, now - lastProbeNs);
        final long untilNs = intervalNs - Math.max(sinceWriteNs, sinceReadOrProbeNs);
        return Math.max(MIN_PARK_NS, Math.min(intervalNs, untilNs));
    }

    /**
     * On the watchdog, a heartbeat timeout after the last read: close the connection when the server has sent
     * nothing since, not even a heartbeat; else look again a timeout after the last read. Never blocks, so a
     * thread of this connection stuck writing to a server that stopped reading is freed too.
     */
    private void checkSilence()
    {
        if (closed.get())
        {
            return;
        }
        final long silentNs = System.nanoTime() - lastReadNs;
        if (silentNs >= timeoutNs)
        {
            transport.heartbeatTimeout(this);
            return;
        }
        try
        {
            silenceCheck = watchdog.schedule(this::checkSilence, timeoutNs - silentNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            // The client is closing, and closes this connection.
        }
        if (closed.get())
        {
            // Closed while rescheduling: close() may have cancelled the previous check, not this one.
            silenceCheck.cancel(false);
        }
    }

    private int available()
    {
        try
        {
            return in.available();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /**
     * Read once, waiting at most {@code timeoutMs}, and dispatch every whole frame received. The caller holds the
     * reading role. Errors close the connection.
     */
    private void readOnce(final int timeoutMs)
    {
        try
        {
            if (timeoutMs != soTimeoutMs)
            {
                socket.setSoTimeout(timeoutMs);
                soTimeoutMs = timeoutMs;
            }
            if (frames.read(in) < 0)
            {
                close();
                return;
            }
            lastReadNs = System.nanoTime();
            writer.deferUntilFlush();
            try
            {
                frames.dispatch(this, listener);
            }
            finally
            {
                writer.flush();
            }
        }
        catch (final SocketTimeoutException ex)
        {
            // Nothing arrived in time: the caller looks at its reply, deadline and the connection again.
        }
        catch (final MalformedFrameException ex)
        {
            transport.protocolError(this, ex);
        }
        catch (final IOException ex)
        {
            close();
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
        return String.valueOf(address);
    }

    @Override
    public boolean isOpen()
    {
        return connected && !closed.get();
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        closeSocket();
        LockSupport.unpark(thread);
        final ScheduledFuture<?> check = silenceCheck;
        if (check != null)
        {
            check.cancel(false);
        }
        if (connected)
        {
            transport.disconnected();
            listener.onClosed(this);
        }
    }

    private void closeSocket()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // Closing anyway.
        }
    }
}
