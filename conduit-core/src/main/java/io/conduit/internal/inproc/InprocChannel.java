package io.conduit.internal.inproc;

import java.util.Arrays;

import io.conduit.internal.RingSubscription;

/**
 * The subscriptions of one inproc name and stream, and how many publications feed them.
 */
final class InprocChannel
{
    private volatile RingSubscription[] subscriptions = new RingSubscription[0];
    private int publicationCount;

    RingSubscription[] subscriptions()
    {
        return subscriptions;
    }

    synchronized void add(final RingSubscription subscription)
    {
        final RingSubscription[] old = subscriptions;
        final RingSubscription[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = subscription;
        subscriptions = grown;
        subscription.publicationConnected(publicationCount);
    }

    synchronized void remove(final RingSubscription subscription)
    {
        subscriptions = Arrays.stream(subscriptions).filter(s -> s != subscription).toArray(RingSubscription[]::new);
    }

    synchronized void publicationConnected(final int delta)
    {
        publicationCount += delta;
        for (final RingSubscription s : subscriptions)
        {
            s.publicationConnected(delta);
        }
    }
}
