package io.conduit.rpc.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;


import io.conduit.Endpoint;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;

/**
 * One unary call on a client, across its attempts: picks an endpoint, sends, retries idempotent methods on
 * {@code UNAVAILABLE} with back-off, and ends exactly once with a result, an error, its deadline or a
 * cancellation. Is itself the future an asynchronous stub returns: cancelling it cancels the call on the server.
 */
final class UnaryCall extends CompletableFuture<Object> implements ClientPending
{
    private static final long YIELD_BEFORE_PARKING_NS = 20_000;

    private final ClientRuntime runtime;
    private final ClientCallInfo info;
    private final RpcMethod method;
    private final byte[] argument;
    private final long startNs;
    private final long deadlineNs;
    private final AtomicBoolean finished = new AtomicBoolean();
    private int attempts;
    /** The thread of a blocking stub, which waits for the reply in {@link #await()}; null for asynchronous. */
    private Thread caller;
    private volatile EndpointChannel channel;
    private volatile RpcConnection connection;
    private volatile long callId;
    private volatile DeadlineTimer.Timer deadlineTimer;

    UnaryCall(final ClientRuntime runtime, final ClientCallInfo info, final byte[] argument)
    {
        this.runtime = runtime;
        this.info = info;
        this.method = info.method();
        this.argument = argument;
        this.startNs = System.nanoTime();
        this.deadlineNs = info.timeoutNs() > 0 ? startNs + info.timeoutNs() : Long.MAX_VALUE;
    }

    /**
     * Make the first attempt.
     *
     * @param timed true to expire on a timer (asynchronous stubs); blocking stubs expire in {@link #await()}.
     * @return this.
     */
    UnaryCall start(final boolean timed)
    {
        caller = timed ? null : Thread.currentThread();
        if (timed && deadlineNs != Long.MAX_VALUE)
        {
            deadlineTimer = runtime.schedule(this::expire, deadlineNs - startNs);
        }
        attempt(null);
        return this;
    }

    private void attempt(final EndpointChannel avoid)
    {
        if (finished.get())
        {
            return;
        }
        attempts++;
        final EndpointChannel picked = runtime.pick(avoid);
        if (picked == null)
        {
            failAttempt(Status.UNAVAILABLE, "no endpoint reachable: endpoints=" + runtime.endpoints(), avoid);
            return;
        }
        final RpcConnection ready = picked.readyConnection();
        if (ready != null)
        {
            send(picked, ready);
            return;
        }
        final CompletableFuture<RpcConnection> connecting = picked.connect();
        if (connecting == null)
        {
            failAttempt(Status.UNAVAILABLE, "endpoint backing off after failures: endpoint=" + picked, picked);
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
                failAttempt(Status.UNAVAILABLE, "cannot connect: endpoint=" + picked + ", reason=" +
                    ClientRuntime.reason(error), picked);
            }
        });
    }

    private void send(final EndpointChannel picked, final RpcConnection opened)
    {
        if (finished.get())
        {
            return;
        }
        final long timeoutNs = deadlineNs == Long.MAX_VALUE ? 0 : deadlineNs - System.nanoTime();
        if (deadlineNs != Long.MAX_VALUE && timeoutNs <= 0)
        {
            expire();
            return;
        }
        final long id = runtime.nextCallId();
        channel = picked;
        connection = opened;
        callId = id;
        picked.outstanding().incrementAndGet();
        opened.calls().put(id, this);
        if (!runtime.sendCall(opened, id, timeoutNs, info, argument,
            Thread.currentThread() == caller) && opened.calls().remove(id, this))
        {
            picked.outstanding().decrementAndGet();
            failAttempt(Status.UNAVAILABLE, "connection lost: endpoint=" + picked, picked);
        }
    }

    @Override
    public void onResponse(final int status, final RpcFrame frame)
    {
        channel.outstanding().decrementAndGet();
        final Status code = Status.fromCode(status);
        if (code != Status.OK)
        {
            failAttempt(code, frame.payloadText(), channel);
            return;
        }
        final Object value;
        try
        {
            value = method.resultCodec().decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        }
        catch (final RuntimeException ex)
        {
            finish(Status.INTERNAL, null, "cannot decode result: method=" + method.fullName() +
                ", reason=" + ex.getMessage());
            return;
        }
        finish(Status.OK, value, null);
    }

    @Override
    public void onItem(final RpcFrame frame)
    {
        throw new MalformedFrameException("stream item for a unary call: callId=" + frame.callId());
    }

    @Override
    public void onConnectionLost(final Status status, final String description)
    {
        channel.outstanding().decrementAndGet();
        failAttempt(status, description, channel);
    }

    private void failAttempt(final Status status, final String description, final EndpointChannel failed)
    {
        if (status == Status.UNAVAILABLE && method.isIdempotent() && attempts < runtime.retryPolicy().maxAttempts() &&
            !runtime.isClosed())
        {
            final long backoffNs = runtime.retryPolicy().backoffNs(attempts);
            if (deadlineNs == Long.MAX_VALUE || System.nanoTime() + backoffNs < deadlineNs)
            {
                runtime.schedule(() -> attempt(failed), backoffNs);
                return;
            }
        }
        finish(status, null, description);
    }

    private void expire()
    {
        if (finished.get())
        {
            return;
        }
        sendCancel();
        finish(Status.DEADLINE_EXCEEDED, null, "deadline exceeded: method=" + method.fullName() +
            ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(info.timeoutNs()));
    }

    private void sendCancel()
    {
        final RpcConnection current = connection;
        final long id = callId;
        if (current != null && current.calls().remove(id, this))
        {
            channel.outstanding().decrementAndGet();
            runtime.sendCancel(current, id);
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

    private void finish(final Status status, final Object value, final String description)
    {
        if (claim(status))
        {
            if (status == Status.OK)
            {
                complete(value);
            }
            else
            {
                completeExceptionally(new RpcException(status, description));
            }
        }
    }

    /**
     * Cancel the call here and on the server.
     */
    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        if (!claim(Status.CANCELLED))
        {
            return isCancelled();
        }
        sendCancel();
        return super.cancel(mayInterruptIfRunning);
    }

    /**
     * Wait for the result, as a blocking stub does.
     *
     * @return the result.
     * @throws RpcException when the call failed, with a stack trace of the calling thread.
     */
    Object await()
    {
        // Over plaintext TCP, shared memory and inproc this thread receives its reply itself (reads the socket,
        // polls the reply stream) when no other thread is receiving. When another is, it waits for that thread to
        // deliver the reply. Over shared memory a reply comes within microseconds, from a server that polls on its
        // own CPU: waiting for it by yielding is cheaper than parking, which takes a machine like ours several
        // microseconds to wake from. Over TCP the receiving thread is in this process, and yielding would compete
        // with it.
        final RpcConnection sentOn = connection;
        if (sentOn != null)
        {
            sentOn.receive(this, deadlineNs);
        }
        final EndpointChannel current = channel;
        if (current != null && current.endpoint().scheme() == Endpoint.Scheme.SHM)
        {
            final long yieldUntilNs = System.nanoTime() + YIELD_BEFORE_PARKING_NS;
            while (!isDone() && System.nanoTime() - yieldUntilNs < 0)
            {
                Thread.yield();
            }
        }
        try
        {
            if (deadlineNs == Long.MAX_VALUE)
            {
                return get();
            }
            try
            {
                return get(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            catch (final TimeoutException ex)
            {
                expire();
                return get();
            }
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RpcException)
            {
                final RpcException rpc = (RpcException)cause;
                throw new RpcException(rpc.status(), rpc.description(), rpc);
            }
            throw new RpcException(Status.INTERNAL, String.valueOf(cause), cause);
        }
        catch (final InterruptedException ex)
        {
            cancel(true);
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted: method=" + method.fullName(), ex);
        }
        catch (final CancellationException ex)
        {
            throw new RpcException(Status.CANCELLED, "cancelled: method=" + method.fullName(), ex);
        }
    }
}
