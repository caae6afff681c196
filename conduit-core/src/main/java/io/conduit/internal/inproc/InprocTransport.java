package io.conduit.internal.inproc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.conduit.Conduit;
import io.conduit.Endpoint;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.RingSubscription;
import io.conduit.internal.Transport;

/**
 * {@code inproc:name}: publications and subscriptions in one JVM, across {@link Conduit} instances.
 */
public final class InprocTransport implements Transport
{
    private static final ConcurrentMap<String, InprocChannel> CHANNELS = new ConcurrentHashMap<>();

    private final Conduit.Context context;

    /**
     * @param context of the owning Conduit.
     */
    public InprocTransport(final Conduit.Context context)
    {
        this.context = context;
    }

    @Override
    public Publication addPublication(final Endpoint endpoint, final int streamId)
    {
        final InprocChannel channel = channel(endpoint, streamId);
        return new InprocPublication(endpoint, streamId, context, channel);
    }

    @Override
    public Subscription addSubscription(final Endpoint endpoint, final int streamId)
    {
        final InprocChannel channel = channel(endpoint, streamId);
        final int capacity = endpoint.sizeOption("capacity", context.subscriptionBufferBytes());
        final RingSubscription[] holder = new RingSubscription[1];
        holder[0] = new RingSubscription(
            endpoint, streamId, capacity, context.maxMessageLength(), () -> channel.remove(holder[0]));
        channel.add(holder[0]);
        return holder[0];
    }

    private static InprocChannel channel(final Endpoint endpoint, final int streamId)
    {
        return CHANNELS.computeIfAbsent(endpoint.name() + "#" + streamId, key -> new InprocChannel());
    }

    @Override
    public void close()
    {
    }
}
