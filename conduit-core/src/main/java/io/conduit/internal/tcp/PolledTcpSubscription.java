package io.conduit.internal.tcp;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Endpoint;
import io.conduit.MessageHandler;
import io.conduit.internal.RingSubscription;

/**
 * A TCP subscription whose poller reads its connections' sockets itself ({@code ?delivery=poller}). The event loop
 * accepts a connection and takes its HELLO; from then on the polling thread reads the socket, so a message reaches
 * the handler without waking any thread: the lowest latency for a poller that spins or yields, at the cost of a
 * read system call per empty poll. Frames go through the subscription's ring as they do from the event loop, so
 * reassembly, counters and gap accounting are the same.
 * <p>
 * Nothing reads the sockets while nobody polls: the publishers are back-pressured by TCP, and a dead peer is only
 * noticed once polling resumes. There is no I/O thread to wake a blocking poll either: after a short spin it sleeps
 * in the kernel on the sockets themselves, through a selector of its own (a socket may be registered with several;
 * the event loop's no longer asks for reads), so the bytes that arrive wake it, one wake-up as for a blocking read.
 */
final class PolledTcpSubscription extends RingSubscription
{
    private static final Logger LOG = LoggerFactory.getLogger(PolledTcpSubscription.class);
    /**
     * Reads of the sockets (a system call each) before a blocking poll sleeps, for a reply just about to arrive; none
     * on one CPU, where spinning would only keep the sender off it.
     */
    private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 20 : 0;
    private static final PolledFrameReader[] NONE = new PolledFrameReader[0];

    private volatile PolledFrameReader[] readers = NONE;
    private volatile Selector selector;
    private int nextReader;

    PolledTcpSubscription(
        final Endpoint endpoint,
        final int streamId,
        final int ringCapacity,
        final int maxMessageLength,
        final Runnable onClose)
    {
        super(endpoint, streamId, ringCapacity, maxMessageLength, onClose);
    }

    synchronized void addReader(final PolledFrameReader reader)
    {
        final PolledFrameReader[] old = readers;
        final PolledFrameReader[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = reader;
        readers = grown;
        final Selector sleeping = selector;
        if (sleeping != null)
        {
            // A blocking poll asleep on the other sockets registers this one when it wakes.
            sleeping.wakeup();
        }
    }

    synchronized void removeReader(final PolledFrameReader reader)
    {
        readers = Arrays.stream(readers).filter(r -> r != reader).toArray(PolledFrameReader[]::new);
    }

    /**
     * @return connections whose sockets this subscription's poller reads.
     */
    int readerCount()
    {
        return readers.length;
    }

    /**
     * @return true while a blocking poll sleeps on the sockets.
     */
    boolean isAsleepOnSockets()
    {
        for (final PolledFrameReader reader : readers)
        {
            if (reader.isWatched())
            {
                return true;
            }
        }
        return false;
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit)
    {
        final int delivered = super.doPoll(handler, messageLimit);
        if (delivered > 0 || pullFrames() == 0)
        {
            return delivered;
        }
        return super.doPoll(handler, messageLimit);
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        for (int attempt = 0; ; attempt++)
        {
            final int delivered = doPoll(handler, messageLimit);
            final long remainingNs = deadlineNs - System.nanoTime();
            if (delivered > 0 || remainingNs <= 0 || isClosed())
            {
                return delivered;
            }
            if (attempt < SPINS)
            {
                Thread.onSpinWait();
            }
            else if (!awaitBytes(remainingNs))
            {
                return 0;
            }
        }
    }

    /**
     * Sleep until a socket has bytes, a connection is handed over, the subscription closes or the time is up, to a
     * millisecond.
     *
     * @return false when the thread was interrupted, with its interrupt flag left set.
     */
    private boolean awaitBytes(final long remainingNs)
    {
        try
        {
            final Selector sleeping = selector();
            final PolledFrameReader[] watched = readers;
            for (final PolledFrameReader reader : watched)
            {
                reader.registerWith(sleeping);
                reader.watched(true);
            }
            try
            {
                sleeping.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
            }
            finally
            {
                for (final PolledFrameReader reader : watched)
                {
                    reader.watched(false);
                }
            }
            sleeping.selectedKeys().clear();
        }
        catch (final ClosedSelectorException ex)
        {
            // Closed meanwhile: the caller sees the subscription closed.
        }
        catch (final IOException ex)
        {
            // No selector to be had (out of descriptors): sleep a little instead, and try again next time.
            LOG.warn("cannot wait on the sockets, polling instead: endpoint={}, reason={}", endpoint(), ex.toString());
            LockSupport.parkNanos(this, Math.min(remainingNs, TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return !Thread.currentThread().isInterrupted();
    }

    private Selector selector() throws IOException
    {
        Selector current = selector;
        if (current == null)
        {
            current = Selector.open();
            selector = current;
            if (isClosed())
            {
                current.close();
            }
        }
        return current;
    }

    /**
     * Frames the event loop delivered before handing a connection over wake a poll asleep on the sockets too.
     */
    @Override
    public void wakeWaiter()
    {
        super.wakeWaiter();
        final Selector sleeping = selector;
        if (sleeping != null)
        {
            sleeping.wakeup();
        }
    }

    @Override
    protected void onClose()
    {
        super.onClose();
        final Selector current = selector;
        if (current != null)
        {
            try
            {
                // Wakes a poll asleep in it.
                current.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("selector close failed: endpoint={}", endpoint(), ex);
            }
        }
    }

    /**
     * Read each connection once, starting with a different one each time so that none is favoured.
     *
     * @return frames taken into the ring.
     */
    private int pullFrames()
    {
        final PolledFrameReader[] current = readers;
        final int count = current.length;
        if (count == 0)
        {
            return 0;
        }
        if (count == 1)
        {
            return current[0].pull();
        }
        int frames = 0;
        final int first = nextReader < count ? nextReader : 0;
        nextReader = first + 1;
        for (int i = 0; i < count; i++)
        {
            frames += current[(first + i) % count].pull();
        }
        return frames;
    }
}
