package io.conduit.rpc;

/**
 * Sees every call a client makes, for credentials, metrics or logging. Both methods default to doing nothing.
 */
public interface ClientInterceptor
{
    /**
     * Called on the calling thread before the call is sent, once per call (not per retry), in registration order.
     *
     * @param call the call, whose metadata may be added to.
     * @throws RpcException to fail the call locally without sending it.
     */
    default void onCall(final ClientCall call)
    {
    }

    /**
     * Called once when the call completes, with whatever status.
     *
     * @param call       the call.
     * @param status     how it ended.
     * @param durationNs from {@link #onCall} to completion, retries included.
     */
    default void onComplete(final ClientCall call, final Status status, final long durationNs)
    {
    }
}
