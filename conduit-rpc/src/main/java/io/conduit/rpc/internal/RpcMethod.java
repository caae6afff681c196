package io.conduit.rpc.internal;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import io.conduit.rpc.Idempotent;
import io.conduit.rpc.RpcService;
import io.conduit.rpc.ValueCodec;

/**
 * One method of a service interface, resolved once: its wire name and id, its shape and its codecs.
 */
public final class RpcMethod
{
    /** The shape of a method. */
    public enum Kind
    {
        /** Returns the result, waiting for it. */
        BLOCKING,
        /** Returns a {@code CompletableFuture} of the result. */
        ASYNC,
        /** Returns a {@code Flow.Publisher} of results. */
        STREAM
    }

    private final Method method;
    private final String serviceName;
    private final String methodName;
    private final String fullName;
    private final byte[] fullNameBytes;
    private final int id;
    private final Kind kind;
    private final boolean idempotent;
    private final ValueCodec<Object> argumentCodec;
    private final ValueCodec<Object> resultCodec;
    private final MethodStats stats;

    private RpcMethod(final Method method, final String serviceName, final BuiltInCodecs codecs)
    {
        this.method = method;
        this.serviceName = serviceName;
        this.methodName = method.getName();
        this.fullName = serviceName + "/" + methodName;
        this.fullNameBytes = fullName.getBytes(StandardCharsets.UTF_8);
        if (fullNameBytes.length > RpcFrameDescriptor.MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException("method name too long: method=" + fullName);
        }
        this.id = RpcFrameDescriptor.methodId(fullName);
        this.idempotent = method.isAnnotationPresent(Idempotent.class);
        final Class<?> returnType = method.getReturnType();
        final Type resultType;
        if (returnType == CompletableFuture.class)
        {
            kind = Kind.ASYNC;
            resultType = typeArgument(method);
        }
        else if (returnType == Flow.Publisher.class)
        {
            kind = Kind.STREAM;
            resultType = typeArgument(method);
        }
        else
        {
            kind = Kind.BLOCKING;
            resultType = method.getGenericReturnType();
        }
        final Type[] parameters = method.getGenericParameterTypes();
        if (parameters.length > 1)
        {
            throw new IllegalArgumentException("rpc methods take at most one argument: method=" + fullName +
                ", arguments=" + parameters.length);
        }
        this.argumentCodec = parameters.length == 0 ? null : codecs.codecFor(parameters[0]);
        this.resultCodec = codecs.codecFor(resultType);
        this.stats = new MethodStats(serviceName, methodName);
    }

    /**
     * @param type   a service interface.
     * @param codecs to encode arguments and results.
     * @return its methods.
     * @throws IllegalArgumentException when the interface is not a valid service.
     */
    public static List<RpcMethod> of(final Class<?> type, final BuiltInCodecs codecs)
    {
        final String serviceName = serviceName(type);
        final List<RpcMethod> methods = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final Method method : type.getMethods())
        {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers()))
            {
                continue;
            }
            if (!names.add(method.getName()))
            {
                throw new IllegalArgumentException("overloaded rpc method: service=" + serviceName +
                    ", method=" + method.getName());
            }
            methods.add(new RpcMethod(method, serviceName, codecs));
        }
        return methods;
    }

    /**
     * @param type a service interface.
     * @return its name on the wire.
     * @throws IllegalArgumentException when it is not an interface annotated with {@link RpcService}.
     */
    public static String serviceName(final Class<?> type)
    {
        final RpcService annotation = type.getAnnotation(RpcService.class);
        if (!type.isInterface() || annotation == null)
        {
            throw new IllegalArgumentException("not an @RpcService interface: type=" + type.getName());
        }
        return annotation.name().isEmpty() ? type.getSimpleName() : annotation.name();
    }

    private static Type typeArgument(final Method method)
    {
        final Type generic = method.getGenericReturnType();
        if (!(generic instanceof ParameterizedType))
        {
            throw new IllegalArgumentException("raw future or publisher: method=" + method);
        }
        return ((ParameterizedType)generic).getActualTypeArguments()[0];
    }

    Method method()
    {
        return method;
    }

    String serviceName()
    {
        return serviceName;
    }

    String methodName()
    {
        return methodName;
    }

    String fullName()
    {
        return fullName;
    }

    byte[] fullNameBytes()
    {
        return fullNameBytes;
    }

    int id()
    {
        return id;
    }

    Kind kind()
    {
        return kind;
    }

    boolean isIdempotent()
    {
        return idempotent;
    }

    boolean hasArgument()
    {
        return argumentCodec != null;
    }

    ValueCodec<Object> argumentCodec()
    {
        return argumentCodec;
    }

    ValueCodec<Object> resultCodec()
    {
        return resultCodec;
    }

    MethodStats stats()
    {
        return stats;
    }
}
