package io.conduit.rpc.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;


import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;

/**
 * One server-streaming call on a client, as the subscriber's {@link Flow.Subscription}: the call starts when the
 * subscriber subscribes, {@link #request(long)} becomes REQUEST_N frames to the server, items are delivered on the
 * connection's receiving thread, and {@link #cancel()} cancels the call on the server. Not retried.
 */
final class StreamCall implements Flow.Subscription, ClientPending
{
    private final ClientRuntime runtime;
    private final ClientCallInfo info;
    private final RpcMethod method;
    private final byte[] argument;
    private final Flow.Subscriber<? super Object> subscriber;
    private final long startNs;
    private final long deadlineNs;
    private final AtomicBoolean finished = new AtomicBoolean();
    private EndpointChannel channel;
    private RpcConnection connection;
    private long callId;
    private long pendingCredit;
    private boolean sent;
    private volatile DeadlineTimer.Timer deadlineTimer;

    StreamCall(
        final ClientRuntime runtime,
        final ClientCallInfo info,
        final byte[] argument,
        final Flow.Subscriber<? super Object> subscriber)
    {
        this.runtime = runtime;
        this.info = info;
        this.method = info.method();
        this.argument = argument;
        this.subscriber = subscriber;
        this.startNs = System.nanoTime();
        this.deadlineNs = info.timeoutNs() > 0 ? startNs + info.timeoutNs() : Long.MAX_VALUE;
    }

    void start()
    {
        subscriber.onSubscribe(this);
        if (deadlineNs != Long.MAX_VALUE)
        {
            deadlineTimer = runtime.schedule(this::expire, deadlineNs - startNs);
        }
        final EndpointChannel picked = runtime.pick(null);
        final CompletableFuture<RpcConnection> connecting = picked == null ? null : picked.connect();
        if (connecting == null)
        {
            fail(Status.UNAVAILABLE, "no endpoint reachable: endpoints=" + runtime.endpoints());
            return;
        }
        connecting.whenComplete((opened, error) ->
        {
            if (error == null)
            {
                send(picked, opened);
            }
            else
            {
                fail(Status.UNAVAILABLE, "cannot connect: endpoint=" + picked + ", reason=" +
                    ClientRuntime.reason(error));
            }
        });
    }

    private void send(final EndpointChannel picked, final RpcConnection opened)
    {
        final long credit;
        final long id = runtime.nextCallId();
        synchronized (this)
        {
            if (finished.get())
            {
                return;
            }
            channel = picked;
            connection = opened;
            callId = id;
            picked.outstanding().incrementAndGet();
            opened.calls().put(id, this);
            final long timeoutNs = deadlineNs == Long.MAX_VALUE ? 0 : Math.max(1, deadlineNs - System.nanoTime());
            if (!runtime.sendCall(opened, id, timeoutNs, info, argument, false))
            {
                if (opened.calls().remove(id, this))
                {
                    picked.outstanding().decrementAndGet();
                }
                credit = -1;
            }
            else
            {
                sent = true;
                credit = pendingCredit;
                pendingCredit = 0;
                if (credit > 0)
                {
                    runtime.sendRequestN(opened, id, credit);
                }
            }
        }
        if (credit < 0)
        {
            fail(Status.UNAVAILABLE, "connection lost: endpoint=" + picked);
        }
    }

    @Override
    public void request(final long n)
    {
        if (n <= 0)
        {
            cancel();
            subscriber.onError(new IllegalArgumentException("non-positive request: n=" + n));
            return;
        }
        synchronized (this)
        {
            if (finished.get())
            {
                return;
            }
            if (!sent)
            {
                final long sum = pendingCredit + n;
                pendingCredit = sum < 0 ? Long.MAX_VALUE : sum;
                return;
            }
            runtime.sendRequestN(connection, callId, n);
        }
    }

    @Override
    public void cancel()
    {
        if (claim(Status.CANCELLED))
        {
            sendCancel();
        }
    }

    @Override
    public void onItem(final RpcFrame frame)
    {
        if (finished.get())
        {
            return;
        }
        final Object item;
        try
        {
            item = method.resultCodec().decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        }
        catch (final RuntimeException ex)
        {
            sendCancel();
            fail(Status.INTERNAL, "cannot decode stream item: method=" + method.fullName() +
                ", reason=" + ex.getMessage());
            return;
        }
        try
        {
            subscriber.onNext(item);
        }
        catch (final RuntimeException ex)
        {
            // A subscriber must not throw (Reactive Streams rule 2.13); one that does loses its subscription.
            cancel();
        }
    }

    @Override
    public void onResponse(final int status, final RpcFrame frame)
    {
        channel.outstanding().decrementAndGet();
        final Status code = Status.fromCode(status);
        if (code == Status.OK)
        {
            if (claim(Status.OK))
            {
                subscriber.onComplete();
            }
        }
        else
        {
            fail(code, frame.payloadText());
        }
    }

    @Override
    public void onConnectionLost(final Status status, final String description)
    {
        channel.outstanding().decrementAndGet();
        fail(status, description);
    }

    private void expire()
    {
        if (finished.get())
        {
            return;
        }
        sendCancel();
        fail(Status.DEADLINE_EXCEEDED, "deadline exceeded: method=" + method.fullName() +
            ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(info.timeoutNs()));
    }

    private void sendCancel()
    {
        final RpcConnection current;
        final long id;
        synchronized (this)
        {
            current = connection;
            id = callId;
        }
        if (current != null && current.calls().remove(id, this))
        {
            channel.outstanding().decrementAndGet();
            runtime.sendCancel(current, id);
        }
    }

    private void fail(final Status status, final String description)
    {
        if (claim(status))
        {
            subscriber.onError(new RpcException(status, description));
        }
    }

    private boolean claim(final Status status)
    {
        if (!finished.compareAndSet(false, true))
        {
            return false;
        }
        final DeadlineTimer.Timer timer = deadlineTimer;
        if (timer != null)
        {
            timer.cancel();
        }
        runtime.callEnded(info, status, System.nanoTime() - startNs);
        return true;
    }
}
