package io.conduit.rpc;

import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * Counts and latency of one method on one server or client, since it was built. A snapshot: values do not change
 * after it was taken.
 */
public interface MethodMetrics
{
    /**
     * @return the service's name.
     */
    String serviceName();

    /**
     * @return the method's name.
     */
    String methodName();

    /**
     * @return calls completed, with any status.
     */
    long calls();

    /**
     * @return calls completed with a status other than {@link Status#OK}, by status; absent statuses are 0.
     */
    Map<Status, Long> errors();

    /**
     * @return latency of completed calls in nanoseconds: on a server from arrival to reply, on a client from
     * call to completion, retries included.
     */
    Histogram latencyNs();
}
