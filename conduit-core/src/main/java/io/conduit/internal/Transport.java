package io.conduit.internal;

import io.conduit.Endpoint;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * One way of moving frames: makes publications and subscriptions for endpoints of its scheme.
 */
public interface Transport extends AutoCloseable
{
    /**
     * @param endpoint of this transport's scheme.
     * @param streamId to publish on.
     * @return a new publication.
     */
    Publication addPublication(Endpoint endpoint, int streamId);

    /**
     * @param endpoint of this transport's scheme.
     * @param streamId to subscribe to.
     * @return a new subscription, to be polled by its owner.
     */
    Subscription addSubscription(Endpoint endpoint, int streamId);

    /**
     * Close everything this transport opened.
     */
    @Override
    void close();
}
