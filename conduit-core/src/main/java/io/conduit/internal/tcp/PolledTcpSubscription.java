package io.conduit.internal.tcp;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

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
 * noticed once polling resumes. There is no I/O thread to wake a blocking poll either: it backs off from spinning
 * to yielding to parking for at most {@link #MAX_PARK_NS}.
 */
final class PolledTcpSubscription extends RingSubscription
{
    /** Longest park of a blocking poll between reads of the sockets. */
    static final long MAX_PARK_NS = 1_000_000;
    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final long MIN_PARK_NS = 1_000;
    private static final PolledFrameReader[] NONE = new PolledFrameReader[0];

    private volatile PolledFrameReader[] readers = NONE;
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
        long parkNs = MIN_PARK_NS;
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
            else if (attempt < SPINS + YIELDS)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(this, Math.min(parkNs, remainingNs));
                parkNs = Math.min(parkNs * 2, MAX_PARK_NS);
                if (Thread.interrupted())
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
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
