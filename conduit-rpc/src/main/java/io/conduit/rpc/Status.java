package io.conduit.rpc;

/**
 * The outcome of a call, with gRPC's numbering. The integer values are part of the wire format: never renumber.
 */
public enum Status
{
    /** The call succeeded. */
    OK(0),
    /** The call was cancelled, usually by the caller. */
    CANCELLED(1),
    /** A status this version does not know was received. */
    UNKNOWN(2),
    /** The arguments were invalid or could not be decoded. */
    INVALID_ARGUMENT(3),
    /** The deadline passed before the call completed. */
    DEADLINE_EXCEEDED(4),
    /** Something the call refers to does not exist. */
    NOT_FOUND(5),
    /** The caller is known but may not make this call. */
    PERMISSION_DENIED(7),
    /** A limit was reached, such as the server's calls in flight. */
    RESOURCE_EXHAUSTED(8),
    /** The service or method does not exist on the server. */
    UNIMPLEMENTED(12),
    /** The server failed; the description says why, never with a stack trace. */
    INTERNAL(13),
    /** The server cannot be reached or went away; safe to retry for idempotent methods. */
    UNAVAILABLE(14),
    /** The caller did not prove who it is. */
    UNAUTHENTICATED(16);

    private static final Status[] BY_CODE = new Status[17];

    static
    {
        for (final Status status : values())
        {
            BY_CODE[status.code] = status;
        }
    }

    private final int code;

    Status(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code on the wire, as in gRPC.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code read from the wire.
     * @return the status, or {@link #UNKNOWN} for a code this version does not know.
     */
    public static Status fromCode(final int code)
    {
        final Status status = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return status != null ? status : UNKNOWN;
    }
}
