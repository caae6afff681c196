package io.conduit.rpc.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.conduit.rpc.ClientCall;

/**
 * A call as client interceptors see it; its metadata is copied only when an interceptor adds to it.
 */
final class ClientCallInfo implements ClientCall
{
    private final RpcMethod method;
    private final long timeoutNs;
    private Map<String, String> metadata;
    private boolean copied;

    ClientCallInfo(final RpcMethod method, final CallOptions options)
    {
        this.method = method;
        this.timeoutNs = options.timeoutNs();
        this.metadata = options.metadata();
    }

    @Override
    public String serviceName()
    {
        return method.serviceName();
    }

    @Override
    public String methodName()
    {
        return method.methodName();
    }

    @Override
    public long timeoutNs()
    {
        return timeoutNs;
    }

    @Override
    public Map<String, String> metadata()
    {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public void putMetadata(final String key, final String value)
    {
        RpcFrameDescriptor.checkMetadata(key, value);
        if (!copied)
        {
            metadata = new LinkedHashMap<>(metadata);
            copied = true;
        }
        metadata.put(key, value);
    }

    Map<String, String> wireMetadata()
    {
        return metadata;
    }

    RpcMethod method()
    {
        return method;
    }
}
