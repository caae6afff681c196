package io.conduit.rpc.internal;

import java.util.concurrent.Flow;

import io.conduit.rpc.ValueCodec;

/**
 * Subscribes to a server-streaming implementation's publisher and forwards its items to the caller, asking the
 * publisher only for as many items as the caller has requested.
 */
final class ServerStream implements Flow.Subscriber<Object>
{
    private final ServerCall call;
    private final ValueCodec<Object> codec;
    private Flow.Subscription subscription;
    private long pendingCredit;
    private boolean cancelled;

    ServerStream(final ServerCall call, final ValueCodec<Object> codec)
    {
        this.call = call;
        this.codec = codec;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        final long credit;
        final boolean cancel;
        synchronized (this)
        {
            this.subscription = subscription;
            credit = pendingCredit;
            pendingCredit = 0;
            cancel = cancelled;
        }
        if (cancel)
        {
            subscription.cancel();
        }
        else if (credit > 0)
        {
            subscription.request(credit);
        }
    }

    void request(final long n)
    {
        final Flow.Subscription current;
        synchronized (this)
        {
            current = subscription;
            if (current == null)
            {
                pendingCredit = saturatedAdd(pendingCredit, n);
                return;
            }
        }
        current.request(n);
    }

    void cancel()
    {
        final Flow.Subscription current;
        synchronized (this)
        {
            cancelled = true;
            current = subscription;
        }
        if (current != null)
        {
            current.cancel();
        }
    }

    @Override
    public void onNext(final Object item)
    {
        final byte[] payload;
        try
        {
            payload = codec.encode(item);
        }
        catch (final RuntimeException ex)
        {
            cancel();
            call.completeExceptionally(ex);
            return;
        }
        if (!call.sendItem(payload))
        {
            cancel();
        }
    }

    @Override
    public void onError(final Throwable error)
    {
        call.completeExceptionally(error);
    }

    @Override
    public void onComplete()
    {
        call.completeWithValue(null);
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
