package io.conduit.rpc.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes frames to a blocking socket's stream from any thread, combining them: the thread that finds no write in
 * progress writes its frame and then whatever other threads appended while it wrote, so under load many frames
 * share one system call, and no thread waits for another's write. A thread dispatching received frames
 * {@link #deferUntilFlush defers} the frames its callbacks send (the replies, or the next calls) and
 * {@link #flush flushes} them together once it has dispatched all it read; other threads' frames do not wait.
 * <p>
 * At most {@code maxPendingBytes} wait; beyond that writes fail, for the peer is not reading. A failed write
 * calls the failure action once per failure (it closes the connection) and drops what was waiting. A thread
 * blocked in a write to a peer that stopped reading is freed only by closing the socket: {@link #isStuck} tells
 * a watchdog when to.
 */
final class CoalescingWriter
{
    /** A buffer grown past this by a large batch is given back once written. */
    private static final int RETAINED_BYTES = 1024 * 1024;

    private final Object lock = new Object();
    private final OutputStream out;
    private final int maxPendingBytes;
    private final Runnable onFailure;
    private volatile long lastWriteNs = System.nanoTime();
    /** When the write in progress began, or 0. */
    private volatile long writingSinceNs;
    /**
     * The thread whose frames wait for its {@link #flush}, or null. Only that thread sets and clears it, so a
     * thread that reads it without synchronization may see a stale value but never finds itself there wrongly.
     */
    private Thread deferring;

    // Guarded by lock, except the batch being written, which only the writer touches.
    private boolean writing;
    private byte[] pending = new byte[0];
    private int pendingLength;
    private byte[] batch = new byte[0];

    /**
     * @param out             of the socket.
     * @param maxPendingBytes that may wait for a writer.
     * @param onFailure       when a write fails: closes the connection.
     */
    CoalescingWriter(final OutputStream out, final int maxPendingBytes, final Runnable onFailure)
    {
        this.out = out;
        this.maxPendingBytes = maxPendingBytes;
        this.onFailure = onFailure;
    }

    /**
     * Make the frames this thread writes from now on wait for its {@link #flush}, which writes them together.
     */
    void deferUntilFlush()
    {
        deferring = Thread.currentThread();
    }

    /**
     * Write a frame, or append it for the thread writing, or for a later {@link #flush} when this thread defers.
     *
     * @param buffer holding the frame.
     * @param offset of the frame in the buffer.
     * @param length of the frame.
     * @return false when the write failed or too much is waiting.
     */
    boolean write(final ByteBuffer buffer, final int offset, final int length)
    {
        final boolean defer = deferring == Thread.currentThread();
        synchronized (lock)
        {
            if (writing || defer)
            {
                if (pendingLength + length > maxPendingBytes)
                {
                    return false;
                }
                if (pending.length < pendingLength + length)
                {
                    pending = Arrays.copyOf(pending, Math.max(pendingLength + length, 2 * pending.length));
                }
                buffer.get(offset, pending, pendingLength, length);
                pendingLength += length;
                return true;
            }
            writing = true;
        }
        writingSinceNs = System.nanoTime();
        try
        {
            if (buffer.hasArray())
            {
                out.write(buffer.array(), buffer.arrayOffset() + offset, length);
            }
            else
            {
                final byte[] copy = new byte[length];
                buffer.get(offset, copy, 0, length);
                out.write(copy, 0, length);
            }
        }
        catch (final IOException ex)
        {
            failed();
            return false;
        }
        return writePending();
    }

    /**
     * Stop deferring this thread's frames, and write the frames appended so far, unless another thread is
     * writing: it writes them.
     *
     * @return false when the write failed.
     */
    boolean flush()
    {
        if (deferring == Thread.currentThread())
        {
            deferring = null;
        }
        synchronized (lock)
        {
            if (writing || pendingLength == 0)
            {
                return true;
            }
            writing = true;
        }
        writingSinceNs = System.nanoTime();
        return writePending();
    }

    /**
     * @return when the last write ended, in {@link System#nanoTime()}.
     */
    long lastWriteNs()
    {
        return lastWriteNs;
    }

    /**
     * @return when the write in progress began, in {@link System#nanoTime()}, or 0 when none is.
     */
    long writingSinceNs()
    {
        return writingSinceNs;
    }

    /**
     * @param nowNs     the time now, in {@link System#nanoTime()}.
     * @param timeoutNs a write may take.
     * @return true when a write has been blocked that long: the peer stopped reading and filled the socket's
     * buffers, and the thread writing can only be freed by closing the socket.
     */
    boolean isStuck(final long nowNs, final long timeoutNs)
    {
        final long since = writingSinceNs;
        return since != 0 && nowNs - since >= timeoutNs;
    }

    /**
     * Write what other threads appended during this thread's write, until nothing is left, and stop writing.
     */
    private boolean writePending()
    {
        try
        {
            while (true)
            {
                final byte[] toWrite;
                final int toWriteLength;
                synchronized (lock)
                {
                    if (pendingLength == 0)
                    {
                        writing = false;
                        writingSinceNs = 0;
                        lastWriteNs = System.nanoTime();
                        if (batch.length > RETAINED_BYTES)
                        {
                            batch = new byte[0];
                        }
                        return true;
                    }
                    toWrite = pending;
                    toWriteLength = pendingLength;
                    pending = batch.length > RETAINED_BYTES ? new byte[0] : batch;
                    pendingLength = 0;
                    batch = toWrite;
                }
                out.write(toWrite, 0, toWriteLength);
            }
        }
        catch (final IOException ex)
        {
            failed();
            return false;
        }
    }

    private void failed()
    {
        synchronized (lock)
        {
            writing = false;
            writingSinceNs = 0;
            pendingLength = 0;
        }
        onFailure.run();
    }
}
