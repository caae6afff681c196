package io.conduit.rpc.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Turns calls on a service proxy into RPCs: the method's resolved {@link RpcMethod} is looked up in a map built
 * once per service interface.
 */
final class ProxyHandler implements InvocationHandler
{
    private final ClientRuntime runtime;
    private final Class<?> type;
    private final Map<Method, RpcMethod> methods;
    private final CallOptions options;

    ProxyHandler(
        final ClientRuntime runtime, final Class<?> type, final Map<Method, RpcMethod> methods, final CallOptions options)
    {
        this.runtime = runtime;
        this.type = type;
        this.methods = methods;
        this.options = options;
    }

    @Override
    public Object invoke(final Object proxy, final Method method, final Object[] args) throws Throwable
    {
        final RpcMethod rpcMethod = methods.get(method);
        if (rpcMethod != null)
        {
            return runtime.call(rpcMethod, args == null ? null : args[0], options);
        }
        if (method.isDefault())
        {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        switch (method.getName())
        {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "RpcProxy{service=" + type.getName() + ", endpoints=" + runtime.endpoints() + '}';
            default:
                throw new UnsupportedOperationException("not an rpc method: method=" + method);
        }
    }
}
