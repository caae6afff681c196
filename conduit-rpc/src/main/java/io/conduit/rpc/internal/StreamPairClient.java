package io.conduit.rpc.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.ConduitException;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.Header;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * The client side of RPC over Conduit streams: publishes calls on the server's request stream and listens for
 * replies on a stream of its own, chosen at random (a stream another client also chose would show it replies to
 * call ids it does not know, which it ignores). Ready once the request publication is connected; closed, and
 * its calls failed with {@code UNAVAILABLE}, when that connection drops (the server went away) or when this
 * side's reply subscription was evicted and skipped replies (shm, a process starved past the liveness timeout),
 * or when the server says GOAWAY because its request subscription was. A blocking caller polls the reply stream
 * itself while no other thread does, saving the hand-off from the poller thread, which polls only for replies
 * no caller is polling for.
 */
final class StreamPairClient extends RpcConnection
{
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int POLL_LIMIT = 64;
    private static final long POLL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Endpoint endpoint;
    private final FrameListener listener;
    private final Publication publication;
    private final Subscription subscription;
    private final int replyStream;
    private final long connectDeadlineNs;
    private final CompletableFuture<RpcConnection> ready = new CompletableFuture<>();
    private final RpcFrame frame = new RpcFrame();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MessageHandler onMessage = this::onMessage;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final StreamPoller poller;

    private StreamPairClient(final Conduit conduit, final Endpoint endpoint, final FrameListener listener)
    {
        this.endpoint = endpoint;
        this.listener = listener;
        this.replyStream = ThreadLocalRandom.current().nextInt(StreamPairServer.REQUEST_STREAM + 1, Integer.MAX_VALUE);
        this.subscription = conduit.addSubscription(endpoint.toString(), replyStream);
        this.publication = conduit.addPublication(endpoint.toString(), StreamPairServer.REQUEST_STREAM);
        this.connectDeadlineNs = System.nanoTime() +
            TimeUnit.MILLISECONDS.toNanos(conduit.context().connectTimeoutMs());
        this.poller = new StreamPoller(endpoint, subscription, onMessage, this::check, this::close,
            "conduit-rpc-client-" + endpoint.name(), polling, () -> !calls().isEmpty());
    }

    /**
     * @return completed with the connection once the server's request subscription is there, or exceptionally
     * when it is not there within the Conduit's connect timeout.
     */
    static CompletableFuture<RpcConnection> connect(
        final Conduit conduit, final Endpoint endpoint, final FrameListener listener)
    {
        final StreamPairClient client = new StreamPairClient(conduit, endpoint, listener);
        client.check();
        return client.ready;
    }

    @Override
    public int replyStream()
    {
        return replyStream;
    }

    /**
     * A blocking caller polls the reply stream itself while no other thread does, until its reply is in.
     */
    @Override
    void receive(final Future<?> reply, final long deadlineNs)
    {
        final Thread current = Thread.currentThread();
        if (current == poller.thread() || reply.isDone() || !polling.compareAndSet(false, true))
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
                subscription.poll(onMessage, POLL_LIMIT, Math.min(leftNs, POLL_TIMEOUT_NS));
            }
        }
        catch (final ConduitException ex)
        {
            // The subscription closed under the caller: the connection is over.
            close();
        }
        finally
        {
            polling.set(false);
            if (!calls().isEmpty())
            {
                poller.wake();
            }
        }
    }

    @Override
    void replyExpected()
    {
        poller.wake();
    }

    private void onMessage(final ByteBuffer buffer, final int offset, final int length, final Header header)
    {
        try
        {
            if (frame.wrap(buffer, offset, length).type() == RpcFrameDescriptor.TYPE_GOAWAY)
            {
                close();
                return;
            }
            listener.onFrame(this, frame);
        }
        catch (final RuntimeException ex)
        {
            // A malformed reply, or a failure handling one: this connection is not to be trusted any more.
            close();
        }
    }

    private void check()
    {
        if (subscription.counters().get(Counter.EVICTIONS) > 0)
        {
            // Judged dead by the server (a starved process) and rejoined past replies it never read: the calls
            // waiting for those would hang until their deadlines, so fail them all now.
            close();
        }
        else if (publication.isConnected())
        {
            ready.complete(this);
        }
        else if (ready.isDone() || System.nanoTime() - connectDeadlineNs >= 0)
        {
            close();
        }
    }

    @Override
    public boolean send(final ByteBuffer buffer, final int offset, final int length)
    {
        return !closed.get() && PublicationSender.send(publication, buffer, offset, length, SEND_TIMEOUT_NS);
    }

    @Override
    public String peerIdentity()
    {
        return null;
    }

    @Override
    public String peerAddress()
    {
        return endpoint.toString();
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
            ready.completeExceptionally(new ConduitException(ErrorCode.UNREACHABLE,
                "rpc server not reachable: endpoint=" + endpoint));
            poller.close();
            publication.close();
            subscription.close();
            listener.onClosed(this);
        }
    }
}
