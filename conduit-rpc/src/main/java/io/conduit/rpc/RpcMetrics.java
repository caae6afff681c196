package io.conduit.rpc;

import java.util.List;

/**
 * Metrics of every method of a server or client, taken at one moment. Immutable.
 */
public final class RpcMetrics
{
    private final List<MethodMetrics> methods;

    /**
     * @param methods one entry per method.
     */
    public RpcMetrics(final List<MethodMetrics> methods)
    {
        this.methods = List.copyOf(methods);
    }

    /**
     * @return one entry per method that was registered or called.
     */
    public List<MethodMetrics> methods()
    {
        return methods;
    }

    /**
     * @param serviceName such as {@code conduit.Echo}.
     * @param methodName  such as {@code echo}.
     * @return the method's metrics, or null when it was never registered or called.
     */
    public MethodMetrics method(final String serviceName, final String methodName)
    {
        for (final MethodMetrics method : methods)
        {
            if (method.serviceName().equals(serviceName) && method.methodName().equals(methodName))
            {
                return method;
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (final MethodMetrics method : methods)
        {
            out.append(method.serviceName()).append('/').append(method.methodName())
                .append(": calls=").append(method.calls())
                .append(", errors=").append(method.errors())
                .append(", p50Us=").append(method.latencyNs().getValueAtPercentile(50) / 1000.0)
                .append(", p99Us=").append(method.latencyNs().getValueAtPercentile(99) / 1000.0)
                .append('\n');
        }
        return out.toString();
    }
}
