package io.conduit.rpc.internal;

import io.conduit.rpc.Status;

/**
 * A call in flight on a client connection, told what became of it on the connection's receiving thread. Each
 * method is called only by whoever removed the call from its connection's table, so at most one of
 * {@link #onResponse} and {@link #onConnectionLost} runs per attempt.
 */
interface ClientPending
{
    /**
     * @param status the server's status code.
     * @param frame  the RESPONSE frame, valid only during the call.
     */
    void onResponse(int status, RpcFrame frame);

    /**
     * @param frame a STREAM_ITEM frame, valid only during the call.
     */
    void onItem(RpcFrame frame);

    /**
     * @param status      {@code UNAVAILABLE}, or {@code CANCELLED} when the client was closed.
     * @param description why the connection went.
     */
    void onConnectionLost(Status status, String description);
}
