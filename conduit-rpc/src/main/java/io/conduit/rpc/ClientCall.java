package io.conduit.rpc;

import java.util.Map;

/**
 * A call as a {@link ClientInterceptor} sees it before it is sent: which method, its deadline, and its metadata,
 * which the interceptor may add to.
 */
public interface ClientCall
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
     * @return the call's timeout in nanoseconds, or 0 when it has no deadline.
     */
    long timeoutNs();

    /**
     * @return the metadata so far; read-only.
     */
    Map<String, String> metadata();

    /**
     * @param key   name, at most 65535 bytes in UTF-8.
     * @param value UTF-8 value, at most 65535 bytes.
     */
    void putMetadata(String key, String value);
}
