package io.conduit.rpc.internal;

/**
 * Receives the frames of connections, on the transport's receiving thread.
 */
public interface FrameListener
{
    /**
     * @param connection the frame came on.
     * @param frame      valid only during the call.
     */
    void onFrame(RpcConnection connection, RpcFrame frame);

    /**
     * @param connection that closed or broke; called once.
     */
    void onClosed(RpcConnection connection);
}
