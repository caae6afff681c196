package io.conduit.rpc.internal;

import java.util.concurrent.Flow;

/**
 * A stream that fails at once, for a streaming call refused before it was sent.
 */
final class FailedPublisher implements Flow.Publisher<Object>
{
    private final Throwable error;

    FailedPublisher(final Throwable error)
    {
        this.error = error;
    }

    @Override
    public void subscribe(final Flow.Subscriber<? super Object> subscriber)
    {
        subscriber.onSubscribe(new Flow.Subscription()
        {
            @Override
            public void request(final long n)
            {
            }

            @Override
            public void cancel()
            {
            }
        });
        subscriber.onError(error);
    }
}
