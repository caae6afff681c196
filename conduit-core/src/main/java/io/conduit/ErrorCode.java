package io.conduit;

/**
 * Error codes carried on the wire in {@code ERROR} frames and attached to {@link ConduitException}s.
 * The integer values are part of the wire format: never renumber them.
 */
public enum ErrorCode
{
    /** A generic error with no more specific code. */
    GENERIC_ERROR(0),
    /** A frame was malformed: bad length, unknown version or type, or a truncated header. */
    MALFORMED_FRAME(1),
    /** The peer has no subscription for the stream a publication asked for. */
    UNKNOWN_STREAM(2),
    /** A message exceeded the configured maximum message length. */
    MESSAGE_TOO_LARGE(3),
    /** The peer stopped sending heartbeats within the timeout. */
    HEARTBEAT_TIMEOUT(4),
    /** TLS negotiation or certificate verification failed. */
    TLS_HANDSHAKE_FAILED(5),
    /** The endpoint's address is already in use by another listener. */
    ADDRESS_IN_USE(6),
    /** The peer could not be reached. */
    UNREACHABLE(7),
    /** The endpoint URI was invalid. */
    INVALID_ENDPOINT(8),
    /** The object was used after it was closed. */
    CLOSED(9),
    /** A blocking operation did not complete within its timeout. */
    TIMED_OUT(10),
    /** A shared-memory log file that this version cannot use: not a log, a newer layout, truncated, or not ours. */
    INVALID_LOG(11);

    private static final ErrorCode[] BY_VALUE = new ErrorCode[values().length];

    static
    {
        for (final ErrorCode code : values())
        {
            BY_VALUE[code.value] = code;
        }
    }

    private final int value;

    ErrorCode(final int value)
    {
        this.value = value;
    }

    /**
     * @return the value of this code on the wire.
     */
    public int value()
    {
        return value;
    }

    /**
     * @param value a code read from the wire.
     * @return the matching code, or {@link #GENERIC_ERROR} for a value this version does not know.
     */
    public static ErrorCode fromValue(final int value)
    {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : GENERIC_ERROR;
    }
}
