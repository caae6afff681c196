package io.conduit.internal.tcp;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.RingSubscription;

/**
 * A bound server socket and the local parties it serves, by stream: subscriptions that publications connect to
 * (the default), or, with {@code ?listen=publisher}, publications that subscriptions connect to. Shared by every
 * party of this process on the same host and port; closed when the last one leaves.
 */
final class TcpListener
{
    /** Which side listens. */
    enum Mode
    {
        /** Subscriptions listen, publications connect. */
        SUBSCRIBERS,
        /** Publications listen, subscriptions connect. */
        PUBLISHERS
    }

    private static final RingSubscription[] NO_SUBSCRIPTIONS = new RingSubscription[0];
    private static final int REMEMBERED_SESSIONS = 1024;
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final Mode mode;
    private final boolean tls;
    private final Map<Integer, RingSubscription[]> subscriptions = new HashMap<>();
    /** Bumped whenever {@link #subscriptions} changes, so connections re-read it only then, not per frame. */
    private volatile int subscriptionsVersion;
    private final Map<Integer, Set<TcpConnection>> connections = new HashMap<>();
    private final Map<Integer, Set<TcpPublication>> publications = new HashMap<>();
    /** Next expected sequence of sessions whose connection broke, so a reconnect's gap is counted as lost. */
    private final Map<Integer, Long> resumedSessions = new LinkedHashMap<>(16, 0.75f, false)
    {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<Integer, Long> eldest)
        {
            return size() > REMEMBERED_SESSIONS;
        }
    };
    private Channel serverChannel;
    private Endpoint endpoint;
    private int parties;

    TcpListener(final Mode mode, final boolean tls)
    {
        this.mode = mode;
        this.tls = tls;
    }

    void bound(final Channel serverChannel, final Endpoint endpoint)
    {
        this.serverChannel = serverChannel;
        this.endpoint = endpoint;
    }

    Mode mode()
    {
        return mode;
    }

    boolean isTls()
    {
        return tls;
    }

    Endpoint endpoint()
    {
        return endpoint;
    }

    /**
     * @return the role of a newly accepted connection.
     */
    TcpConnection.Role newConnectionRole()
    {
        return mode == Mode.SUBSCRIBERS ? new PublisherConnection() : new SubscriberConnection();
    }

    /**
     * @throws ConduitException when the stream has a subscription already and either reads its sockets itself
     *                          ({@code ?delivery=poller}): a connection's frames go to every subscription of its stream,
     *                          and a poller's are read on its own thread.
     */
    synchronized void addSubscription(final RingSubscription subscription)
    {
        final RingSubscription[] old = subscriptions.getOrDefault(subscription.streamId(), NO_SUBSCRIPTIONS);
        if (old.length > 0 && (subscription instanceof PolledTcpSubscription || old[0] instanceof PolledTcpSubscription))
        {
            throw new ConduitException(ErrorCode.INVALID_ENDPOINT, "delivery=poller needs its stream to itself: " +
                "a subscription to the stream is already listening, streamId=" + subscription.streamId() +
                ", endpoint=" + endpoint.address());
        }
        parties++;
        final RingSubscription[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = subscription;
        subscriptions.put(subscription.streamId(), grown);
        subscriptionsVersion++;
        subscription.publicationConnected(connections.getOrDefault(subscription.streamId(), Set.of()).size());
    }

    /**
     * @return true when this was the last party and the listener should close.
     */
    synchronized boolean removeSubscription(final RingSubscription subscription)
    {
        final RingSubscription[] old = subscriptions.getOrDefault(subscription.streamId(), NO_SUBSCRIPTIONS);
        final RingSubscription[] shrunk = Arrays.stream(old).filter(s -> s != subscription)
            .toArray(RingSubscription[]::new);
        if (shrunk.length == 0)
        {
            subscriptions.remove(subscription.streamId());
            for (final TcpConnection connection : connections.getOrDefault(subscription.streamId(), Set.of()))
            {
                connection.closeAfterFlush();
            }
        }
        else
        {
            subscriptions.put(subscription.streamId(), shrunk);
        }
        subscriptionsVersion++;
        return --parties == 0;
    }

    synchronized void addPublication(final TcpPublication publication)
    {
        parties++;
        publications.computeIfAbsent(publication.streamId(), k -> new LinkedHashSet<>()).add(publication);
        for (final TcpConnection connection : connections.getOrDefault(publication.streamId(), Set.of()))
        {
            publication.addSubscriberConnection(connection);
        }
    }

    synchronized boolean removePublication(final TcpPublication publication)
    {
        final Set<TcpPublication> set = publications.get(publication.streamId());
        if (set != null && set.remove(publication) && set.isEmpty())
        {
            publications.remove(publication.streamId());
            for (final TcpConnection connection : connections.getOrDefault(publication.streamId(), Set.of()))
            {
                connection.closeAfterFlush();
            }
        }
        return --parties == 0;
    }

    void close()
    {
        if (serverChannel != null)
        {
            final ChannelFuture closed = serverChannel.close();
            // Once a subscription's close returns, its port is free to bind again.
            if (!serverChannel.eventLoop().inEventLoop())
            {
                closed.awaitUninterruptibly(CLOSE_TIMEOUT_MS);
            }
        }
        final Set<TcpConnection> all = new LinkedHashSet<>();
        synchronized (this)
        {
            connections.values().forEach(all::addAll);
        }
        all.forEach(TcpConnection::close);
    }

    private synchronized RingSubscription[] subscriptionsOf(final int streamId)
    {
        return subscriptions.getOrDefault(streamId, NO_SUBSCRIPTIONS);
    }

    /**
     * The listener side of a publication's connection: after its HELLO, DATA goes to the stream's subscriptions.
     */
    private final class PublisherConnection implements TcpConnection.Role
    {
        private final RingDelivery delivery = new RingDelivery();
        private int streamId;
        private int sessionId;
        private boolean registered;
        private RingSubscription[] pending;
        private RingSubscription[] targets = NO_SUBSCRIPTIONS;
        private int targetsVersion = -1;
        private long expectedSequence = -1;

        @Override
        public void onOpen(final TcpConnection connection)
        {
        }

        @Override
        public void onHello(final TcpConnection connection, final int streamId, final int sessionId)
        {
            if (registered)
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "second hello on a connection: streamId=" +
                    streamId);
                return;
            }
            synchronized (TcpListener.this)
            {
                final RingSubscription[] targets = subscriptions.getOrDefault(streamId, NO_SUBSCRIPTIONS);
                if (targets.length == 0)
                {
                    connection.sendErrorAndClose(ErrorCode.UNKNOWN_STREAM,
                        "no subscription for stream: streamId=" + streamId + ", endpoint=" + endpoint.address());
                    return;
                }
                this.streamId = streamId;
                this.sessionId = sessionId;
                registered = true;
                expectedSequence = resumedSessions.getOrDefault(sessionId, -1L);
                resumedSessions.remove(sessionId);
                connections.computeIfAbsent(streamId, k -> new LinkedHashSet<>()).add(connection);
                for (final RingSubscription subscription : targets)
                {
                    subscription.publicationConnected(1);
                }
                if (targets[0] instanceof PolledTcpSubscription)
                {
                    // Alone on its stream (see addSubscription): its poller reads the socket from here on.
                    connection.handOverReading((PolledTcpSubscription)targets[0]);
                }
            }
            connection.sendHello(streamId, sessionId);
        }

        @Override
        public boolean onData(
            final TcpConnection connection, final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            if (!registered || buffer.getIntLE(index + FrameDescriptor.STREAM_ID_OFFSET) != streamId ||
                buffer.getIntLE(index + FrameDescriptor.SESSION_ID_OFFSET) != sessionId)
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "frame outside the connection's session: " +
                    "registered=" + registered + ", streamId=" + buffer.getIntLE(index + FrameDescriptor.STREAM_ID_OFFSET) +
                    ", sessionId=" + buffer.getIntLE(index + FrameDescriptor.SESSION_ID_OFFSET));
                return true;
            }
            if (pending == null)
            {
                pending = targets();
                countGap(buffer, index, type);
            }
            if (delivery.deliver(pending, buffer, index, frameLength, connection.resumeFromAnyThread()))
            {
                pending = null;
                return true;
            }
            return false;
        }

        /**
         * @return the stream's subscriptions, looked up again only after they changed.
         */
        private RingSubscription[] targets()
        {
            // The version is read first: a change after it is seen at the next frame.
            final int version = subscriptionsVersion;
            if (version != targetsVersion)
            {
                targets = subscriptionsOf(streamId);
                targetsVersion = version;
            }
            return targets;
        }

        @Override
        public void onFramesHandled()
        {
            delivery.wakeWaiters();
        }

        /**
         * Messages of a session are numbered; a jump in the numbers, such as across a broken connection, is
         * messages lost on the way, counted on every subscription of the stream.
         */
        private void countGap(final ByteBuf buffer, final int index, final int type)
        {
            if (type != FrameDescriptor.TYPE_DATA ||
                (buffer.getByte(index + FrameDescriptor.FLAGS_OFFSET) & FrameDescriptor.BEGIN_FLAG) == 0)
            {
                return;
            }
            final long sequence = buffer.getLongLE(index + FrameDescriptor.SEQUENCE_OFFSET);
            if (expectedSequence >= 0 && sequence > expectedSequence)
            {
                for (final RingSubscription subscription : pending)
                {
                    subscription.counters().add(Counter.MESSAGES_LOST, sequence - expectedSequence);
                }
            }
            expectedSequence = sequence + 1;
        }

        @Override
        public void onClose(final TcpConnection connection)
        {
            if (!registered)
            {
                return;
            }
            final RingSubscription[] targets;
            synchronized (TcpListener.this)
            {
                if (expectedSequence >= 0)
                {
                    resumedSessions.put(sessionId, expectedSequence);
                }
                final Set<TcpConnection> set = connections.get(streamId);
                if (set != null)
                {
                    set.remove(connection);
                }
                targets = subscriptions.getOrDefault(streamId, NO_SUBSCRIPTIONS);
                for (final RingSubscription subscription : targets)
                {
                    subscription.publicationConnected(-1);
                }
            }
            for (final RingSubscription subscription : targets)
            {
                subscription.endSession(sessionId);
            }
        }
    }

    /**
     * The listener side of a subscription's connection in fan-out mode: after its HELLO, the stream's
     * publications write to it.
     */
    private final class SubscriberConnection implements TcpConnection.Role
    {
        private int streamId;
        private boolean registered;

        @Override
        public void onOpen(final TcpConnection connection)
        {
        }

        @Override
        public void onHello(final TcpConnection connection, final int streamId, final int sessionId)
        {
            if (registered)
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "second hello on a connection: streamId=" +
                    streamId);
                return;
            }
            synchronized (TcpListener.this)
            {
                final Set<TcpPublication> targets = publications.getOrDefault(streamId, Set.of());
                if (targets.isEmpty())
                {
                    connection.sendErrorAndClose(ErrorCode.UNKNOWN_STREAM,
                        "no publication for stream: streamId=" + streamId + ", endpoint=" + endpoint.address());
                    return;
                }
                this.streamId = streamId;
                registered = true;
                connections.computeIfAbsent(streamId, k -> new LinkedHashSet<>()).add(connection);
                for (final TcpPublication publication : targets)
                {
                    publication.addSubscriberConnection(connection);
                }
            }
        }

        @Override
        public boolean onData(
            final TcpConnection connection, final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            connection.protocolError(ErrorCode.MALFORMED_FRAME, "data from a subscriber: type=" + type);
            return true;
        }

        @Override
        public void onClose(final TcpConnection connection)
        {
            if (!registered)
            {
                return;
            }
            synchronized (TcpListener.this)
            {
                final Set<TcpConnection> set = connections.get(streamId);
                if (set != null)
                {
                    set.remove(connection);
                }
                for (final TcpPublication publication : publications.getOrDefault(streamId, Set.of()))
                {
                    publication.removeSubscriberConnection(connection);
                }
            }
        }
    }
}
