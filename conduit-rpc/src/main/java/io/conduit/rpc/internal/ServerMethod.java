package io.conduit.rpc.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

import io.conduit.rpc.ValueCodec;

/**
 * A method bound to its implementation once, at registration: calls go through a method handle of a fixed
 * shape, without reflection.
 */
final class ServerMethod
{
    private final RpcMethod method;
    private final MethodHandle handle;

    ServerMethod(final RpcMethod method, final Object implementation)
    {
        this.method = method;
        try
        {
            method.method().setAccessible(true);
            final MethodHandle bound = MethodHandles.lookup().unreflect(method.method()).bindTo(implementation);
            handle = method.hasArgument() ?
                bound.asType(MethodType.methodType(Object.class, Object.class)) :
                MethodHandles.dropArguments(bound.asType(MethodType.methodType(Object.class)), 0, Object.class);
        }
        catch (final IllegalAccessException | RuntimeException ex)
        {
            throw new IllegalArgumentException("cannot bind rpc method: method=" + method.fullName() +
                ", reason=" + ex.getMessage(), ex);
        }
    }

    Object decodeArgument(final byte[] argument)
    {
        return method.hasArgument() ? method.argumentCodec().decode(ByteBuffer.wrap(argument), 0, argument.length) :
            null;
    }

    Object invoke(final Object argument) throws Throwable
    {
        return (Object)handle.invokeExact(argument);
    }

    RpcMethod rpcMethod()
    {
        return method;
    }

    RpcMethod.Kind kind()
    {
        return method.kind();
    }

    String fullName()
    {
        return method.fullName();
    }

    String serviceName()
    {
        return method.serviceName();
    }

    String methodName()
    {
        return method.methodName();
    }

    ValueCodec<Object> resultCodec()
    {
        return method.resultCodec();
    }
}
