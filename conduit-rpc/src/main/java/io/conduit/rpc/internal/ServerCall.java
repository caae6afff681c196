package io.conduit.rpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;


import io.conduit.rpc.CallContext;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.ServerInterceptor;
import io.conduit.rpc.Status;

/**
 * One call on a server, from arrival to its reply: runs the implementation on the server's executor, and ends
 * exactly once, with a reply, a cancellation from the caller, its deadline, or its connection closing.
 */
public final class ServerCall implements CallContext, Runnable
{
    private static final ThreadLocal<ServerCall> CURRENT = new ThreadLocal<>();
    private static final byte[] EMPTY = new byte[0];

    private final ServerRuntime runtime;
    private final RpcConnection connection;
    private final ServerMethod method;
    private final long callId;
    private final long startNs;
    private final long deadlineNs;
    private final Map<String, String> metadata;
    private final byte[] argument;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final List<Runnable> cancelListeners = new ArrayList<>();
    private volatile boolean cancelled;
    private volatile DeadlineTimer.Timer deadlineTimer;
    private volatile CompletableFuture<?> asyncResult;
    private final ServerStream stream;

    ServerCall(
        final ServerRuntime runtime,
        final RpcConnection connection,
        final ServerMethod method,
        final long callId,
        final long startNs,
        final long timeoutNs,
        final Map<String, String> metadata,
        final byte[] argument)
    {
        this.runtime = runtime;
        this.connection = connection;
        this.method = method;
        this.callId = callId;
        this.startNs = startNs;
        this.deadlineNs = timeoutNs > 0 ? startNs + timeoutNs : Long.MAX_VALUE;
        this.metadata = metadata;
        this.argument = argument;
        this.stream = method.kind() == RpcMethod.Kind.STREAM ? new ServerStream(this, method.resultCodec()) : null;
    }

    /**
     * @return the call the current thread is serving, or null.
     */
    public static ServerCall current()
    {
        return CURRENT.get();
    }

    long callId()
    {
        return callId;
    }

    void deadlineTimer(final DeadlineTimer.Timer timer)
    {
        deadlineTimer = timer;
    }

    @Override
    public void run()
    {
        if (completed.get())
        {
            return;
        }
        CURRENT.set(this);
        try
        {
            for (final ServerInterceptor interceptor : runtime.interceptors())
            {
                interceptor.onCall(this);
            }
            final Object value;
            try
            {
                value = method.decodeArgument(argument);
            }
            catch (final RuntimeException ex)
            {
                complete(Status.INVALID_ARGUMENT, "cannot decode argument: method=" + method.fullName() +
                    ", reason=" + ex.getMessage());
                return;
            }
            final Object result = method.invoke(value);
            switch (method.kind())
            {
                case BLOCKING:
                    completeWithValue(result);
                    break;
                case ASYNC:
                    completeLater((CompletableFuture<?>)result);
                    break;
                default:
                    streamFrom((Flow.Publisher<?>)result);
                    break;
            }
        }
        catch (final Throwable ex)
        {
            completeExceptionally(ex);
        }
        finally
        {
            CURRENT.remove();
        }
    }

    private void completeLater(final CompletableFuture<?> result)
    {
        if (result == null)
        {
            complete(Status.INTERNAL, "service returned no future: method=" + method.fullName());
            return;
        }
        asyncResult = result;
        if (cancelled)
        {
            result.cancel(false);
        }
        result.whenComplete((value, error) ->
        {
            if (error == null)
            {
                completeWithValue(value);
            }
            else
            {
                completeExceptionally(error);
            }
        });
    }

    private void streamFrom(final Flow.Publisher<?> publisher)
    {
        if (publisher == null)
        {
            complete(Status.INTERNAL, "service returned no publisher: method=" + method.fullName());
            return;
        }
        publisher.subscribe(stream);
    }

    void request(final long n)
    {
        if (stream != null)
        {
            stream.request(n);
        }
    }

    boolean sendItem(final byte[] item)
    {
        return !completed.get() && runtime.send(connection, RpcFrameDescriptor.TYPE_STREAM_ITEM, callId, 0, item);
    }

    void completeWithValue(final Object value)
    {
        final byte[] payload;
        try
        {
            payload = method.kind() == RpcMethod.Kind.STREAM ? EMPTY : method.resultCodec().encode(value);
        }
        catch (final RuntimeException ex)
        {
            complete(Status.INTERNAL, "cannot encode result: method=" + method.fullName() +
                ", reason=" + ex.getMessage());
            return;
        }
        finish(Status.OK, payload, true);
    }

    void completeExceptionally(final Throwable error)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof RpcException)
        {
            final RpcException rpc = (RpcException)cause;
            complete(rpc.status() == Status.OK ? Status.INTERNAL : rpc.status(), rpc.description());
        }
        else if (cause instanceof CancellationException)
        {
            complete(Status.CANCELLED, "cancelled by the service: method=" + method.fullName());
        }
        else
        {
            complete(Status.INTERNAL, cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName());
        }
    }

    void complete(final Status status, final String description)
    {
        finish(status, RpcFrameDescriptor.utf8(description), true);
    }

    /**
     * Cancel the call: the implementation sees {@link #isCancelled()}, its future or stream is cancelled, and
     * the caller is told only when it did not cancel the call itself.
     */
    void cancel(final Status status, final boolean reply)
    {
        if (!completed.compareAndSet(false, true))
        {
            return;
        }
        cancelled = true;
        final List<Runnable> listeners;
        synchronized (cancelListeners)
        {
            listeners = new ArrayList<>(cancelListeners);
            cancelListeners.clear();
        }
        listeners.forEach(ServerCall::runQuietly);
        final CompletableFuture<?> result = asyncResult;
        if (result != null)
        {
            result.cancel(false);
        }
        if (stream != null)
        {
            stream.cancel();
        }
        ended(status, RpcFrameDescriptor.utf8(status == Status.DEADLINE_EXCEEDED ?
            "deadline exceeded on the server: method=" + method.fullName() :
            "call cancelled: method=" + method.fullName()), reply);
    }

    private void finish(final Status status, final byte[] payload, final boolean reply)
    {
        if (completed.compareAndSet(false, true))
        {
            ended(status, payload, reply);
        }
    }

    private void ended(final Status status, final byte[] payload, final boolean reply)
    {
        final DeadlineTimer.Timer timer = deadlineTimer;
        if (timer != null)
        {
            timer.cancel();
        }
        connection.calls().remove(callId, this);
        runtime.callEnded(this, method, status, System.nanoTime() - startNs);
        if (reply)
        {
            runtime.send(connection, RpcFrameDescriptor.TYPE_RESPONSE, callId, status.code(), payload);
        }
    }

    private static void runQuietly(final Runnable listener)
    {
        try
        {
            listener.run();
        }
        catch (final RuntimeException ignore)
        {
            // A listener's failure must not stop the others or the cancellation.
        }
    }

    @Override
    public String serviceName()
    {
        return method.serviceName();
    }

    @Override
    public String methodName()
    {
        return method.methodName();
    }

    @Override
    public long deadlineNs()
    {
        return deadlineNs;
    }

    @Override
    public long timeRemainingNs()
    {
        return deadlineNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
    }

    @Override
    public boolean isCancelled()
    {
        return cancelled;
    }

    @Override
    public void onCancel(final Runnable listener)
    {
        synchronized (cancelListeners)
        {
            if (!cancelled)
            {
                cancelListeners.add(listener);
                return;
            }
        }
        runQuietly(listener);
    }

    @Override
    public String peerIdentity()
    {
        return connection.peerIdentity();
    }

    @Override
    public String peerAddress()
    {
        return connection.peerAddress();
    }

    @Override
    public Map<String, String> metadata()
    {
        return metadata;
    }

    @Override
    public String toString()
    {
        return "ServerCall{method=" + method.fullName() + ", callId=" + callId + ", peer=" + peerAddress() + '}';
    }
}
