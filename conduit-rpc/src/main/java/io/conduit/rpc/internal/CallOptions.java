package io.conduit.rpc.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-view settings of a client: a timeout for each call and metadata to send with it. Immutable.
 */
public final class CallOptions
{
    /** No timeout, no metadata. */
    public static final CallOptions DEFAULT = new CallOptions(0, Map.of());

    private final long timeoutNs;
    private final Map<String, String> metadata;

    private CallOptions(final long timeoutNs, final Map<String, String> metadata)
    {
        this.timeoutNs = timeoutNs;
        this.metadata = metadata;
    }

    /**
     * @param timeoutNs for each call; 0 for none.
     * @return options with that timeout.
     */
    public CallOptions withTimeoutNs(final long timeoutNs)
    {
        return new CallOptions(timeoutNs, metadata);
    }

    /**
     * @param key   of metadata to add.
     * @param value of metadata to add.
     * @return options with that metadata too.
     */
    public CallOptions withMetadata(final String key, final String value)
    {
        RpcFrameDescriptor.checkMetadata(key, value);
        final Map<String, String> copy = new LinkedHashMap<>(metadata);
        copy.put(key, value);
        return new CallOptions(timeoutNs, Map.copyOf(copy));
    }

    long timeoutNs()
    {
        return timeoutNs;
    }

    Map<String, String> metadata()
    {
        return metadata;
    }
}
