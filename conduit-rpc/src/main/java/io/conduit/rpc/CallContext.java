package io.conduit.rpc;

import java.util.Map;

import io.conduit.rpc.internal.ServerCall;

/**
 * What a service implementation knows about the call it is serving: its deadline, whether it was cancelled, who
 * the caller is, and the caller's metadata. Thread-safe.
 */
public interface CallContext
{
    /**
     * @return the context of the call the current thread is serving.
     * @throws IllegalStateException when the current thread is not running a service method (for an asynchronous
     *                               method, capture the context before handing work to another thread).
     */
    static CallContext current()
    {
        final CallContext context = ServerCall.current();
        if (context == null)
        {
            throw new IllegalStateException("no rpc call on this thread: thread=" + Thread.currentThread().getName());
        }
        return context;
    }

    /**
     * @return the service's name, such as {@code conduit.Echo}.
     */
    String serviceName();

    /**
     * @return the method's name, such as {@code echo}.
     */
    String methodName();

    /**
     * @return the deadline on this JVM's {@link System#nanoTime()} clock, or {@link Long#MAX_VALUE} when the
     * caller set none.
     */
    long deadlineNs();

    /**
     * @return nanoseconds left until the deadline (negative once passed), or {@link Long#MAX_VALUE} when none.
     */
    long timeRemainingNs();

    /**
     * @return true once the call was cancelled: by the caller, by its deadline passing, or by the connection
     * closing. The caller no longer waits for the result; a long-running implementation should stop.
     */
    boolean isCancelled();

    /**
     * @param listener run once when the call is cancelled, at once if it already was; not run when the call
     *                 completes normally. Runs on the thread that cancels: keep it quick.
     */
    void onCancel(Runnable listener);

    /**
     * @return the verified TLS certificate subject of the caller (such as {@code CN=client}) when the
     * connection used mutual TLS, else null.
     */
    String peerIdentity();

    /**
     * @return where the call came from, such as {@code /127.0.0.1:51234} or the caller's reply stream.
     */
    String peerAddress();

    /**
     * @return the caller's metadata (set by client interceptors or {@link RpcClient#withMetadata}); read-only.
     */
    Map<String, String> metadata();
}
