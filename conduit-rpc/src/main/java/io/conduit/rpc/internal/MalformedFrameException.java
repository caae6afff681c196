package io.conduit.rpc.internal;

/**
 * A frame from a peer broke the layout of {@link RpcFrameDescriptor}; the connection it came on is closed.
 */
public final class MalformedFrameException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message {@code what: key=value}.
     */
    public MalformedFrameException(final String message)
    {
        super(message, null, false, false);
    }
}
