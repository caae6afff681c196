package io.conduit.internal.tcp;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.internal.AbstractPublication;
import io.conduit.internal.FrameDescriptor;

/**
 * A publication over TCP. By default it connects to the subscriber's listener and keeps reconnecting; with
 * {@code ?listen=publisher} it is served by a listener of its own and writes every message to every connected
 * subscriber, back-pressured by the slowest.
 */
final class TcpPublication extends AbstractPublication
{
    private static final TcpConnection[] NONE = new TcpConnection[0];

    private final TcpTransport transport;
    private final int maxPayload;
    private final boolean timestamps;
    private final TcpConnector connector;
    private final TcpListener listener;
    private volatile TcpConnection[] connections = NONE;
    private long sequence;
    private long position;

    private TcpPublication(
        final TcpTransport transport, final Endpoint endpoint, final int streamId, final TcpListener listener)
    {
        super(endpoint, streamId, transport.context().maxMessageLength());
        final Conduit.Context context = transport.context();
        this.transport = transport;
        this.maxPayload = context.tcpFrameLength() - FrameDescriptor.HEADER_LENGTH;
        this.timestamps = context.timestamps();
        this.listener = listener;
        this.connector = listener == null ? new TcpConnector(transport, endpoint, new ToSubscriber()) : null;
    }

    static TcpPublication connecting(final TcpTransport transport, final Endpoint endpoint, final int streamId)
    {
        final TcpPublication publication = new TcpPublication(transport, endpoint, streamId, null);
        publication.connector.connect();
        return publication;
    }

    static TcpPublication listening(
        final TcpTransport transport, final Endpoint endpoint, final int streamId, final TcpListener listener)
    {
        final TcpPublication publication = new TcpPublication(transport, endpoint, streamId, listener);
        listener.addPublication(publication);
        return publication;
    }

    @Override
    public boolean isConnected()
    {
        return !isClosed() && connections.length > 0;
    }

    /**
     * @return why the last connection attempt failed, or null.
     */
    String lastConnectFailure()
    {
        return connector == null ? null : connector.lastFailure();
    }

    @Override
    protected long doOffer(
        final ByteBuffer srcBuffer, final byte[] srcArray, final int offset, final int length)
    {
        final TcpConnection[] targets = connections;
        if (targets.length == 0)
        {
            return NOT_CONNECTED;
        }
        final long timestampNs = timestamps ? System.nanoTime() : 0;
        final long appended = targets.length == 1 ?
            append(targets[0], srcBuffer, srcArray, offset, length, timestampNs, false) :
            appendToAll(targets, srcBuffer, srcArray, offset, length, timestampNs);
        if (appended > 0)
        {
            sequence++;
            position += appended;
            return position;
        }
        return appended;
    }

    private long append(
        final TcpConnection connection,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final long timestampNs,
        final boolean approved)
    {
        return connection.batcher().appendMessage(
            streamId, sessionId, sequence, timestampNs, srcBuffer, srcArray, offset, length, maxPayload, approved);
    }

    /**
     * Fan-out: the message goes to every subscriber or to none, so the slowest back-pressures all. The check keeps
     * room for control frames and the append ignores a high-water mark crossed since, so only a connection that
     * closed in between (or another publication sharing it) can refuse the message; it misses it, counted as lost.
     */
    private long appendToAll(
        final TcpConnection[] targets,
        final ByteBuffer srcBuffer,
        final byte[] srcArray,
        final int offset,
        final int length,
        final long timestampNs)
    {
        for (final TcpConnection connection : targets)
        {
            if (!connection.batcher().canAppend(length, maxPayload))
            {
                return BACK_PRESSURED;
            }
        }
        long appended = NOT_CONNECTED;
        for (final TcpConnection connection : targets)
        {
            final long result = append(connection, srcBuffer, srcArray, offset, length, timestampNs, true);
            if (result > 0)
            {
                appended = result;
            }
            else
            {
                counters.increment(Counter.MESSAGES_LOST);
            }
        }
        return appended;
    }

    synchronized void addSubscriberConnection(final TcpConnection connection)
    {
        connection.sendHello(streamId, sessionId);
        final TcpConnection[] old = connections;
        final TcpConnection[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = connection;
        connections = grown;
    }

    synchronized void removeSubscriberConnection(final TcpConnection connection)
    {
        connections = Arrays.stream(connections).filter(c -> c != connection).toArray(TcpConnection[]::new);
    }

    @Override
    protected void onClose()
    {
        final TcpConnection[] open;
        synchronized (this)
        {
            open = connections;
            connections = NONE;
        }
        if (connector != null)
        {
            if (open.length == 0)
            {
                connector.close();
            }
            else
            {
                connector.stopReconnecting();
                for (final TcpConnection connection : open)
                {
                    connection.sendSessionEnd(streamId, sessionId);
                    connection.closeAfterFlush();
                }
            }
        }
        else
        {
            for (final TcpConnection connection : open)
            {
                connection.sendSessionEnd(streamId, sessionId);
            }
            transport.release(listener, l -> l.removePublication(this));
        }
    }

    /**
     * The publication's side of its connection to a subscriber's listener.
     */
    private final class ToSubscriber implements TcpConnection.Role
    {
        @Override
        public void onOpen(final TcpConnection connection)
        {
            connection.sendHello(streamId, sessionId);
        }

        @Override
        public void onHello(final TcpConnection connection, final int streamId, final int sessionId)
        {
            if (streamId != TcpPublication.this.streamId || sessionId != TcpPublication.this.sessionId)
            {
                connection.protocolError(ErrorCode.MALFORMED_FRAME, "hello for another session: streamId=" +
                    streamId + ", sessionId=" + sessionId);
                return;
            }
            connector.established();
            synchronized (TcpPublication.this)
            {
                if (!isClosed())
                {
                    connections = new TcpConnection[] {connection};
                }
            }
        }

        @Override
        public boolean onData(
            final TcpConnection connection, final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            connection.protocolError(ErrorCode.MALFORMED_FRAME, "data sent to a publication: type=" + type);
            return true;
        }

        @Override
        public boolean onPeerError(final TcpConnection connection, final ErrorCode code, final String message)
        {
            connector.failed("code=" + code + ", message=" + message, true);
            return true;
        }

        @Override
        public void onClose(final TcpConnection connection)
        {
            synchronized (TcpPublication.this)
            {
                if (connections.length == 1 && connections[0] == connection)
                {
                    connections = NONE;
                }
            }
        }
    }
}
