package io.conduit;

/**
 * The events every publication, subscription and transport counts.
 */
public enum Counter
{
    /** Messages accepted by {@code offer}. */
    MESSAGES_SENT,
    /** Payload bytes accepted by {@code offer}. */
    BYTES_SENT,
    /** Offers refused because a peer could not keep up. */
    BACK_PRESSURED,
    /** Offers refused because no peer was connected. */
    NOT_CONNECTED,
    /** Messages delivered to handlers. */
    MESSAGES_RECEIVED,
    /** Payload bytes delivered to handlers. */
    BYTES_RECEIVED,
    /** Frames that broke the protocol: malformed, oversized, of unknown version or type. */
    PROTOCOL_ERRORS,
    /** Connections established. */
    CONNECTIONS,
    /** Connections lost or closed. */
    DISCONNECTS,
    /** Peers declared dead because their heartbeats stopped. */
    HEARTBEAT_TIMEOUTS,
    /** TLS handshakes that failed. */
    TLS_FAILURES,
    /** Messages accepted but dropped because the connection carrying them broke before they were written. */
    MESSAGES_LOST,
    /** Partly received messages discarded because their publisher went away mid-message. */
    INCOMPLETE_MESSAGES,
    /** Errors of any other kind. */
    ERRORS,
    /**
     * Times a shared-memory subscriber was judged dead by others (its heartbeat stopped for the liveness timeout)
     * and rejoined at the tail, skipping what it had not read.
     */
    EVICTIONS
}
