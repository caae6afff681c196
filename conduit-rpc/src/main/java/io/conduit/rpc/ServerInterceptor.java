package io.conduit.rpc;

/**
 * Sees every call a server runs, for authentication, metrics or logging. Both methods default to doing nothing.
 */
public interface ServerInterceptor
{
    /**
     * Called before the implementation runs, on the thread that will run it, in registration order.
     *
     * @param call the call's context: method, metadata, peer identity, deadline.
     * @throws RpcException to reject the call with its status, such as {@link Status#UNAUTHENTICATED}.
     */
    default void onCall(final CallContext call)
    {
    }

    /**
     * Called once when the call completes, with whatever status, in reverse registration order, before the reply
     * is sent (keep it quick: it adds to the caller's latency).
     *
     * @param call       the call's context.
     * @param status     how the call ended.
     * @param durationNs from the call's arrival to its completion.
     */
    default void onComplete(final CallContext call, final Status status, final long durationNs)
    {
    }
}
