package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Endpoint;
import io.conduit.Header;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * The server side of RPC over Conduit streams ({@code inproc:}, {@code shm:}): requests from every client arrive
 * on stream {@value #REQUEST_STREAM} of the endpoint; each client names in its calls the stream it listens on for
 * replies, and the server publishes there. A client is known by its request publication's session id; when its
 * reply publication loses its subscriber, the client is gone and its calls are cancelled. When this server's own
 * subscription is evicted (a process starved past shm's liveness timeout) it has skipped requests, and it sends
 * every client a GOAWAY so that their calls fail with {@code UNAVAILABLE} rather than wait for their deadlines. A
 * malformed frame is counted and logged once; when it came from a known client, that client alone gets a GOAWAY and
 * its connection is closed.
 */
final class StreamPairServer implements AutoCloseable
{
    /** The stream requests go on. */
    static final int REQUEST_STREAM = 1;

    private static final Logger LOG = LoggerFactory.getLogger(StreamPairServer.class);
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    private final Conduit conduit;
    private final Endpoint endpoint;
    private final FrameListener listener;
    private final Subscription subscription;
    private final Map<Integer, ReplyConnection> clients = new ConcurrentHashMap<>();
    private final RpcFrame frame = new RpcFrame();
    private final AtomicBoolean errorLogged = new AtomicBoolean();
    private final StreamPoller poller;
    private long evictionsSeen;

    StreamPairServer(final Conduit conduit, final Endpoint endpoint, final FrameListener listener)
    {
        this.conduit = conduit;
        this.endpoint = endpoint;
        this.listener = listener;
        this.subscription = conduit.addSubscription(endpoint.toString(), REQUEST_STREAM);
        this.poller = new StreamPoller(endpoint, subscription, this::onMessage, this::checkClients,
            this::closeClients, "conduit-rpc-server-" + endpoint.name());
    }

    private void onMessage(final ByteBuffer buffer, final int offset, final int length, final Header header)
    {
        ReplyConnection client = clients.get(header.sessionId());
        try
        {
            frame.wrap(buffer, offset, length);
            if (client == null)
            {
                if (frame.type() != RpcFrameDescriptor.TYPE_CALL || frame.replyStream() == REQUEST_STREAM)
                {
                    return;
                }
                client = new ReplyConnection(header.sessionId(),
                    conduit.addPublication(endpoint.toString(), frame.replyStream()));
                clients.put(header.sessionId(), client);
            }
            listener.onFrame(client, frame);
        }
        catch (final RuntimeException ex)
        {
            // A malformed frame, or a failure handling one, must not stop the poller that serves every client.
            conduit.counters().increment(ex instanceof MalformedFrameException ? Counter.PROTOCOL_ERRORS :
                Counter.ERRORS);
            if (errorLogged.compareAndSet(false, true))
            {
                LOG.warn("rpc frame dropped (logged once per endpoint): endpoint={}, session={}, reason={}",
                    endpoint, header.sessionId(), String.valueOf(ex));
            }
            if (ex instanceof MalformedFrameException && client != null)
            {
                // What this client sends can no longer be trusted: close its connection, and only its, as over
                // TCP. The GOAWAY fails its calls in flight at once; its next call opens a new connection.
                clients.remove(header.sessionId());
                goAway(client);
                client.close();
            }
        }
    }

    private void checkClients()
    {
        final long evictions = subscription.counters().get(Counter.EVICTIONS);
        if (evictions != evictionsSeen)
        {
            // This server was judged dead and skipped requests: tell every client to fail what it has in flight.
            evictionsSeen = evictions;
            clients.values().forEach(StreamPairServer::goAway);
        }
        for (final Iterator<ReplyConnection> it = clients.values().iterator(); it.hasNext(); )
        {
            final ReplyConnection client = it.next();
            if (!client.isOpen())
            {
                it.remove();
                client.close();
            }
        }
    }

    private static void goAway(final ReplyConnection client)
    {
        final RpcFrameDescriptor.FrameBuffer out = RpcFrameDescriptor.FrameBuffer.current();
        client.send(out.buffer(), 0, RpcFrameDescriptor.encodeGoAway(out));
    }

    private void closeClients()
    {
        clients.values().forEach(ReplyConnection::close);
        clients.clear();
    }

    @Override
    public void close()
    {
        poller.close();
        subscription.close();
        closeClients();
    }

    private final class ReplyConnection extends RpcConnection
    {
        private final int sessionId;
        private final Publication publication;
        private final AtomicBoolean closed = new AtomicBoolean();

        ReplyConnection(final int sessionId, final Publication publication)
        {
            this.sessionId = sessionId;
            this.publication = publication;
        }

        @Override
        public boolean send(final ByteBuffer buffer, final int offset, final int length)
        {
            return PublicationSender.send(publication, buffer, offset, length, SEND_TIMEOUT_NS);
        }

        @Override
        public String peerIdentity()
        {
            return null;
        }

        @Override
        public String peerAddress()
        {
            return endpoint + "#stream=" + publication.streamId() + ",session=" + sessionId;
        }

        @Override
        public boolean isOpen()
        {
            return !closed.get() && publication.isConnected();
        }

        @Override
        public void close()
        {
            if (closed.compareAndSet(false, true))
            {
                publication.close();
                listener.onClosed(this);
            }
        }
    }
}
