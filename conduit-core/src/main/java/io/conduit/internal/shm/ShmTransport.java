package io.conduit.internal.shm;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.IdleStrategy;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.Transport;

import static io.conduit.internal.shm.LogDescriptor.SLOT_HEARTBEAT_OFFSET;

/**
 * The {@code shm:} transport: publications and subscriptions of this process on memory-mapped logs that other
 * processes of the same user share. A conductor thread keeps their heartbeats going, evicts subscribers of other
 * processes that stopped, and unblocks logs left stuck by publishers that died mid-message.
 */
public final class ShmTransport implements Transport
{
    /** Longest frame by default; a longer message is fragmented. */
    public static final int DEFAULT_MTU = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ShmTransport.class);

    /** Conductor passes run back to back to have the JIT compile the pass (see passesDue). */
    private static final int WARM_PASSES = 20_000;
    /** Intervals in a row that run {@link #WARM_PASSES} (see passesDue). */
    private static final int WARM_INTERVALS = 3;

    private final Conduit.Context context;
    private final LogFiles files;
    private final long livenessTimeoutMs;
    private final Map<Path, MappedLog> logs = new HashMap<>();
    private final List<ShmPublication> publications = new CopyOnWriteArrayList<>();
    private final List<ShmSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Thread conductor;
    private volatile boolean running = true;
    /** The values of {@link #logs}, copied on every change, for the conductor to read without the lock. */
    private volatile MappedLog[] openLogs = new MappedLog[0];
    /** Whether the conductor has warmed its pass with a publication, and with a subscription (see passesDue). */
    private boolean warmedPublishing;
    private boolean warmedSubscribing;
    private int warmIntervalsLeft;

    /**
     * @param context of the Conduit: the log directory, default capacity and liveness timeout.
     */
    public ShmTransport(final Conduit.Context context)
    {
        this.context = context;
        this.livenessTimeoutMs = context.shmLivenessTimeoutMs();
        this.files = new LogFiles(context.shmDirectory(), livenessTimeoutMs);
        for (final Path stale : files.deleteStale())
        {
            LOG.info("deleted a log no live process uses: file={}", stale);
        }
        this.conductor = new Thread(this::runConductor, "conduit-shm-conductor");
        this.conductor.setDaemon(true);
        this.conductor.start();
    }

    @Override
    public Publication addPublication(final Endpoint endpoint, final int streamId)
    {
        ShmWarmUp.ensureDone();
        final int capacity = capacityOf(endpoint);
        final int mtu = mtuOf(endpoint);
        final long owner = newOwnerToken();
        final ShmPublication publication = files.locked(() ->
        {
            final MappedLog log = acquire(endpoint, streamId, capacity);
            final int slot = log.slots().takePublisherSlot(owner);
            if (slot < 0)
            {
                releaseLocked(log);
                throw new ConduitException(ErrorCode.INVALID_LOG, "too many publishers on a log: file=" + log.path() +
                    ", max=" + LogDescriptor.PUBLISHER_SLOTS);
            }
            return new ShmPublication(this, endpoint, streamId, context.maxMessageLength(),
                mtu - FrameDescriptor.HEADER_LENGTH, context.timestamps(), log, slot, owner);
        });
        publications.add(publication);
        return publication;
    }

    @Override
    public Subscription addSubscription(final Endpoint endpoint, final int streamId)
    {
        ShmWarmUp.ensureDone();
        final int capacity = capacityOf(endpoint);
        mtuOf(endpoint);
        final String idle = endpoint.option("idle", null);
        final IdleStrategy idleStrategy = idle == null ? context.idleStrategy().get() : IdleStrategy.fromName(idle);
        final long owner = newOwnerToken();
        final ShmSubscription subscription = files.locked(() ->
        {
            final MappedLog log = acquire(endpoint, streamId, capacity);
            final int slot = log.slots().takeSubscriberSlot(owner);
            if (slot < 0)
            {
                releaseLocked(log);
                throw new ConduitException(ErrorCode.INVALID_LOG, "too many subscribers on a log: file=" +
                    log.path() + ", max=" + LogDescriptor.SUBSCRIBER_SLOTS);
            }
            final long position = log.cleaner().join(slot, owner, System.currentTimeMillis());
            return new ShmSubscription(this, endpoint, streamId, context.maxMessageLength(), idleStrategy, log, slot,
                owner, position);
        });
        subscriptions.add(subscription);
        return subscription;
    }

    private static int capacityOf(final Endpoint endpoint)
    {
        final int capacity = endpoint.sizeOption("capacity", 0);
        if (capacity != 0 && !LogDescriptor.isValidCapacity(capacity))
        {
            throw new IllegalArgumentException("invalid option: capacity=" + capacity + ", uri=" + endpoint +
                " (a power of 2 from 64k to 1g)");
        }
        return capacity;
    }

    private static int mtuOf(final Endpoint endpoint)
    {
        final int mtu = endpoint.sizeOption("mtu", DEFAULT_MTU);
        if (mtu < 128 || mtu > 16 * 1024 * 1024 || mtu % LogDescriptor.FRAME_ALIGNMENT != 0)
        {
            throw new IllegalArgumentException("invalid option: mtu=" + mtu + ", uri=" + endpoint +
                " (a multiple of 32 from 128 to 16m)");
        }
        return mtu;
    }

    private static long newOwnerToken()
    {
        long token;
        do
        {
            token = ThreadLocalRandom.current().nextLong();
        }
        while (token == 0);
        return token;
    }

    private MappedLog acquire(final Endpoint endpoint, final int streamId, final int capacity) throws Exception
    {
        final Path path = files.pathOf(endpoint.name(), streamId);
        synchronized (logs)
        {
            MappedLog log = logs.get(path);
            if (log == null)
            {
                log = files.open(endpoint.name(), streamId, capacity, context.shmCapacity());
                logs.put(path, log);
                openLogs = logs.values().toArray(new MappedLog[0]);
            }
            else
            {
                LogFiles.requireCompatible(log, streamId, capacity);
            }
            log.addUser();
            return log;
        }
    }

    private void releaseLocked(final MappedLog log) throws Exception
    {
        final boolean last;
        synchronized (logs)
        {
            last = log.removeUser();
            if (last)
            {
                logs.remove(log.path());
                openLogs = logs.values().toArray(new MappedLog[0]);
            }
        }
        if (last)
        {
            files.deleteIfUnused(log);
        }
    }

    void release(final ShmPublication publication)
    {
        publications.remove(publication);
        files.locked(() ->
        {
            publication.log().slots().releasePublisherSlot(publication.slot(), publication.owner());
            releaseLocked(publication.log());
            return null;
        });
    }

    void release(final ShmSubscription subscription)
    {
        subscriptions.remove(subscription);
        files.locked(() ->
        {
            subscription.log().cleaner().leave(subscription.slot(), subscription.owner());
            releaseLocked(subscription.log());
            return null;
        });
    }

    void logEviction(final ShmSubscription subscription, final long position)
    {
        LOG.warn("subscriber was judged dead by other processes and rejoined at the tail, skipping what it had " +
            "not read: file={}, position={}", subscription.log().path(), position);
    }

    private void runConductor()
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(Math.max(1, livenessTimeoutMs / 10));
        while (running)
        {
            try
            {
                final long nowMs = System.currentTimeMillis();
                for (int i = passesDue(); i > 0; i--)
                {
                    doConductorWork(nowMs);
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("shared-memory conductor failed", ex);
            }
            LockSupport.parkNanos(intervalNs);
        }
    }

    /**
     * One pass, or {@value #WARM_PASSES} at once in each of the {@value #WARM_INTERVALS} intervals after the pass
     * gets work of a kind it never had before: its first publication, its first subscription. Ten passes a second
     * would leave the pass interpreted for minutes, about 120 µs each, taken from whichever thread shares the
     * conductor's CPU (a spinning poller, when the process is pinned to one CPU), and would have the JIT compile it
     * piece by piece while the process works. Run back to back, the passes compile at once, and a pass then takes
     * about 17 µs. One burst is not always enough: the JIT raises its thresholds while its queue is long, as it is
     * when the first endpoint opens (see {@link ShmWarmUp}). Passes with the same time repeat each other's
     * effects: every write is of the same value, and a stuck read is timed from the first.
     */
    private int passesDue()
    {
        final boolean publishing = !publications.isEmpty();
        final boolean subscribing = !subscriptions.isEmpty();
        if ((publishing && !warmedPublishing) || (subscribing && !warmedSubscribing))
        {
            warmedPublishing |= publishing;
            warmedSubscribing |= subscribing;
            warmIntervalsLeft = WARM_INTERVALS;
        }
        if (warmIntervalsLeft > 0)
        {
            warmIntervalsLeft--;
            return WARM_PASSES;
        }
        return 1;
    }

    private void doConductorWork(final long nowMs)
    {
        for (final ShmPublication publication : publications)
        {
            publication.log().buffer().longOpaque(publication.slot() + SLOT_HEARTBEAT_OFFSET, nowMs);
            publication.publishMessageCount();
        }
        for (final ShmSubscription subscription : subscriptions)
        {
            subscription.log().buffer().longOpaque(subscription.slot() + SLOT_HEARTBEAT_OFFSET, nowMs);
        }
        for (final ShmSubscription subscription : subscriptions)
        {
            subscription.checkStuck(nowMs, livenessTimeoutMs);
        }
        for (final MappedLog log : openLogs)
        {
            log.cleaner().evictStale(nowMs);
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(conductor);
        try
        {
            conductor.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final ShmPublication publication : publications)
        {
            publication.close();
        }
        for (final ShmSubscription subscription : subscriptions)
        {
            subscription.close();
        }
    }
}
