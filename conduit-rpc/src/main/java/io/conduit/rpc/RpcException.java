package io.conduit.rpc;

import io.conduit.ConduitException;
import io.conduit.ErrorCode;

/**
 * A call that did not complete with {@link Status#OK}. Thrown by blocking stubs, used to complete futures and
 * streams exceptionally, and thrown by service implementations to answer with a chosen status (any other
 * exception from an implementation becomes {@link Status#INTERNAL} with the exception's message).
 */
public class RpcException extends ConduitException
{
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final String description;

    /**
     * @param status      of the call; not {@link Status#OK}.
     * @param description why, sent to the caller when thrown by a server.
     */
    public RpcException(final Status status, final String description)
    {
        this(status, description, null);
    }

    /**
     * @param status      of the call; not {@link Status#OK}.
     * @param description why.
     * @param cause       the local failure behind it, never sent.
     */
    public RpcException(final Status status, final String description, final Throwable cause)
    {
        super(errorCode(status), "rpc failed: status=" + status + ", description=" + description, cause);
        this.status = status;
        this.description = description;
    }

    /**
     * @return the status of the call.
     */
    public Status status()
    {
        return status;
    }

    /**
     * @return the description, as the server gave it or as the client found it.
     */
    public String description()
    {
        return description;
    }

    private static ErrorCode errorCode(final Status status)
    {
        switch (status)
        {
            case DEADLINE_EXCEEDED:
                return ErrorCode.TIMED_OUT;
            case UNAVAILABLE:
                return ErrorCode.UNREACHABLE;
            default:
                return ErrorCode.GENERIC_ERROR;
        }
    }
}
