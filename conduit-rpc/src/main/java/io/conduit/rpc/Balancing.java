package io.conduit.rpc;

/**
 * How a client over several endpoints picks one for each call. Either way, endpoints whose connection is down
 * are skipped until they reconnect.
 */
public enum Balancing
{
    /** Each call goes to the next endpoint in turn. */
    ROUND_ROBIN,
    /** Each call goes to the endpoint with the fewest calls outstanding; ties in turn. */
    LEAST_OUTSTANDING
}
