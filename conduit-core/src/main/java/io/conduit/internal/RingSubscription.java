package io.conduit.internal;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.MessageHandler;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.TYPE_SESSION_END;
import static io.conduit.internal.FrameDescriptor.UNFRAGMENTED;

/**
 * A subscription fed by transport threads through a {@link ManyToOneRingBuffer}: writers copy frames in, the
 * polling thread reassembles and delivers them. A writer that finds the ring full calls
 * {@link #awaitSpace(Runnable)} and is called back from the polling thread once the poller has made room.
 * <p>
 * With {@link #deliverInline(MessageHandler)} there is no polling thread: the writers themselves drain the ring
 * into the handler after each batch they commit, one writer at a time.
 */
public class RingSubscription extends AbstractSubscription implements ManyToOneRingBuffer.FrameHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(RingSubscription.class);
    /** Messages an inline drain delivers per poll of the ring; it polls until the ring is empty. */
    private static final int INLINE_POLL_LIMIT = 256;
    /**
     * Polls before a blocking poll parks. Spinning pays only when another CPU is writing meanwhile: in a process
     * confined to one CPU it would only take time from the thread that delivers the frames.
     */
    private static final int SPINS_BEFORE_PARKING = Runtime.getRuntime().availableProcessors() > 1 ? 100 : 0;

    private final ManyToOneRingBuffer ring;
    private final MessageAssembler assembler;
    private final ByteBuffer handlerView;
    private final MessageDelivery delivery;
    private final AtomicInteger connectedPublications = new AtomicInteger();
    /** Wake-ups not yet drained by the writer draining for all (see {@link #drainInline}). */
    private final AtomicInteger inlineWakeUps = new AtomicInteger();
    private volatile MessageHandler inlineHandler;
    private final ConcurrentLinkedQueue<Runnable> spaceWaiters = new ConcurrentLinkedQueue<>();
    private final Runnable onClose;
    private volatile Endpoint endpoint;
    private volatile Thread waiter;
    private MessageHandler handler;
    private int delivered;

    /**
     * @param endpoint         received from.
     * @param streamId         received.
     * @param ringCapacity     bytes of frames buffered between writers and the poller, a power of 2.
     * @param maxMessageLength longest message reassembled.
     * @param onClose          run once when the subscription closes, to unregister it from its transport.
     */
    public RingSubscription(
        final Endpoint endpoint,
        final int streamId,
        final int ringCapacity,
        final int maxMessageLength,
        final Runnable onClose)
    {
        super(streamId);
        this.endpoint = endpoint;
        this.ring = ManyToOneRingBuffer.allocate(ringCapacity);
        this.assembler = new MessageAssembler(maxMessageLength, counters);
        this.delivery = new MessageDelivery(streamId, counters);
        this.handlerView = ring.buffer().duplicate();
        this.onClose = onClose;
    }

    /**
     * @return the ring transport threads write frames into.
     */
    public ManyToOneRingBuffer ring()
    {
        return ring;
    }

    /**
     * Ask to be called back from the polling thread after it next frees space. The caller must retry its claim
     * after this call, as the poller may have freed space in between.
     *
     * @param callback run on the polling thread; must be quick and must not block.
     */
    public void awaitSpace(final Runnable callback)
    {
        spaceWaiters.add(callback);
    }

    /**
     * @param endpoint as resolved once bound, such as with the port an ephemeral bind chose.
     */
    public void resolvedEndpoint(final Endpoint endpoint)
    {
        this.endpoint = endpoint;
    }

    /**
     * Record a publication connecting (+1) or going away (-1).
     *
     * @param delta +1 or -1.
     */
    public void publicationConnected(final int delta)
    {
        connectedPublications.addAndGet(delta);
    }

    @Override
    public Endpoint endpoint()
    {
        return endpoint;
    }

    @Override
    public boolean isConnected()
    {
        return connectedPublications.get() > 0;
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit)
    {
        this.handler = handler;
        delivered = 0;
        try
        {
            final int frames = ring.read(this, messageLimit);
            // Writers waiting for room resume once the ring is half empty, not at the first free byte: a writer
            // resumed for every frame read would pause again at once, a hand-off per frame.
            if (frames > 0 && !spaceWaiters.isEmpty() && ring.size() <= ring.capacity() / 2)
            {
                Runnable waiter;
                while ((waiter = spaceWaiters.poll()) != null)
                {
                    waiter.run();
                }
            }
        }
        finally
        {
            this.handler = null;
            delivery.flushCounts();
        }
        return delivered;
    }

    @Override
    protected int doPoll(final MessageHandler handler, final int messageLimit, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        for (int spins = 0; spins < SPINS_BEFORE_PARKING; spins++)
        {
            final int delivered = doPoll(handler, messageLimit);
            if (delivered > 0 || isClosed())
            {
                return delivered;
            }
            Thread.onSpinWait();
        }
        waiter = Thread.currentThread();
        try
        {
            while (true)
            {
                // Pairs with the fence in wakeWaiter: either this poll sees the frame or the writer sees us.
                VarHandle.fullFence();
                final int delivered = doPoll(handler, messageLimit);
                final long remainingNs = deadlineNs - System.nanoTime();
                if (delivered > 0 || remainingNs <= 0 || isClosed())
                {
                    return delivered;
                }
                LockSupport.parkNanos(this, remainingNs);
                if (Thread.interrupted())
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        }
        finally
        {
            waiter = null;
        }
    }

    /**
     * Record that a publication's session ended, so a message it left half sent is dropped and counted. Best
     * effort: skipped when the ring is full, as the next message of that session would drop it too.
     *
     * @param sessionId of the publication that went away.
     */
    public void endSession(final int sessionId)
    {
        final int index = ring.tryClaim(HEADER_LENGTH);
        if (index >= 0)
        {
            FrameDescriptor.writeHeader(ring.buffer(), index, (byte)0, TYPE_SESSION_END, streamId, sessionId, 0, 0);
            ring.commit(index, HEADER_LENGTH);
            wakeWaiter();
        }
    }

    /**
     * Hand messages to this handler on the threads that write frames, as soon as each batch is committed, rather
     * than to a poller: no hand-off between threads, so the lowest latency, but a slow handler holds up the
     * transport's I/O thread and every connection on it. Afterwards {@link #poll} is refused. A handler's
     * exception is counted ({@link Counter#ERRORS}) and logged, and the message is not delivered again.
     *
     * @param handler for each message.
     */
    public void deliverInline(final MessageHandler handler)
    {
        markAgentPolled();
        inlineHandler = handler;
        drainInline(handler);
    }

    /**
     * Wake a thread blocked in {@link #poll(MessageHandler, int, long)}, or with inline delivery deliver what
     * was committed; writers call this after committing.
     */
    public void wakeWaiter()
    {
        final MessageHandler inline = inlineHandler;
        if (inline != null)
        {
            drainInline(inline);
            return;
        }
        VarHandle.fullFence();
        final Thread thread = waiter;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Deliver everything committed. Writers on several threads may call this at once: one drains, and a call
     * that arrives meanwhile makes it look again before it stops, so no committed frame waits for the next batch.
     */
    private void drainInline(final MessageHandler handler)
    {
        if (inlineWakeUps.getAndIncrement() != 0)
        {
            return;
        }
        int wakeUps = 1;
        do
        {
            int delivered;
            do
            {
                delivered = isClosed() ? 0 : pollInline(handler);
            }
            while (delivered > 0);
            wakeUps = inlineWakeUps.addAndGet(-wakeUps);
        }
        while (wakeUps != 0);
    }

    private int pollInline(final MessageHandler handler)
    {
        try
        {
            return pollByAgent(handler, INLINE_POLL_LIMIT);
        }
        catch (final RuntimeException ex)
        {
            if (!isClosed())
            {
                counters.increment(Counter.ERRORS);
                LOG.warn("message handler failed: endpoint={}, streamId={}", endpoint, streamId, ex);
            }
            // The message that threw is consumed; carry on with the rest.
            return 1;
        }
    }

    @Override
    public int onFrame(final ByteBuffer buffer, final int index, final int frameLength)
    {
        final int type = FrameDescriptor.type(buffer, index);
        final int sessionId = FrameDescriptor.sessionId(buffer, index);
        if (type == TYPE_SESSION_END)
        {
            assembler.discard(sessionId);
            return 0;
        }
        if (type != TYPE_DATA)
        {
            return 0;
        }
        final byte flags = FrameDescriptor.flags(buffer, index);
        final long sequence = FrameDescriptor.sequence(buffer, index);
        final long timestampNs = FrameDescriptor.timestampNs(buffer, index);
        final int payloadLength = frameLength - HEADER_LENGTH;
        if ((flags & UNFRAGMENTED) == UNFRAGMENTED)
        {
            if (assembler.hasInProgress())
            {
                assembler.discard(sessionId);
            }
            return deliver(handlerView, index + HEADER_LENGTH, payloadLength, sessionId, sequence, timestampNs);
        }
        final int length = assembler.onFragment(
            sessionId, sequence, flags, buffer, index + HEADER_LENGTH, payloadLength);
        if (length < 0)
        {
            return 0;
        }
        return deliver(assembler.completedBuffer(), 0, length, sessionId, sequence, timestampNs);
    }

    private int deliver(
        final ByteBuffer buffer,
        final int offset,
        final int length,
        final int sessionId,
        final long sequence,
        final long timestampNs)
    {
        delivered++;
        delivery.deliver(handler, buffer, offset, length, sessionId, sequence, timestampNs);
        return 1;
    }

    @Override
    protected void onClose()
    {
        onClose.run();
        final Thread thread = waiter;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }
}
