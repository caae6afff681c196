package io.conduit.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.conduit.Conduit;
import io.conduit.rpc.internal.CallOptions;
import io.conduit.rpc.internal.ClientRuntime;

/**
 * Calls services on one or more endpoints through typed proxies:
 * <pre>{@code
 * try (RpcClient client = RpcClient.builder(conduit)
 *         .endpoint("tcp://127.0.0.1:9000")
 *         .defaultDeadline(Duration.ofSeconds(1))
 *         .build()) {
 *     EchoService echo = client.proxy(EchoService.class);
 *     byte[] reply = echo.echo("hi".getBytes(UTF_8));
 *     byte[] soon = client.withDeadline(Duration.ofMillis(50)).proxy(EchoService.class).echo(reply);
 * }
 * }</pre>
 * One connection per endpoint, shared by all calls and multiplexed by call id, opened at {@link Builder#build()}
 * and re-opened with back-off when it drops. When a connection drops, its calls fail at once with
 * {@link Status#UNAVAILABLE}. A call made while no endpoint is connected waits for one that is connecting (at
 * most the Conduit's connect timeout, or its deadline) and fails with {@code UNAVAILABLE} when none is. Immutable and thread-safe; {@link #withDeadline} and {@link #withMetadata} make
 * views that share the connections.
 */
public final class RpcClient implements AutoCloseable
{
    private final ClientRuntime runtime;
    private final CallOptions options;

    private RpcClient(final ClientRuntime runtime, final CallOptions options)
    {
        this.runtime = runtime;
        this.options = options;
    }

    /**
     * @param conduit that owns the transports; must outlive the client.
     * @return a builder.
     */
    public static Builder builder(final Conduit conduit)
    {
        return new Builder(conduit);
    }

    /**
     * @param type an interface annotated with {@link RpcService}.
     * @param <T>  the interface.
     * @return a proxy whose methods call the service with this client's deadline and metadata.
     * @throws IllegalArgumentException when the interface is not a valid service.
     */
    public <T> T proxy(final Class<T> type)
    {
        return runtime.proxy(type, options);
    }

    /**
     * @param deadline for each call made through proxies of the returned client, from when it is made.
     * @return a view of this client with that deadline, sharing its connections.
     */
    public RpcClient withDeadline(final Duration deadline)
    {
        return new RpcClient(runtime, options.withTimeoutNs(requirePositive(deadline).toNanos()));
    }

    /**
     * @param key   metadata key sent with each call made through the returned client's proxies.
     * @param value its value.
     * @return a view of this client with that metadata, sharing its connections.
     */
    public RpcClient withMetadata(final String key, final String value)
    {
        return new RpcClient(runtime, options.withMetadata(key, value));
    }

    /**
     * @return calls, errors by status and latency per method, now.
     */
    public RpcMetrics metrics()
    {
        return runtime.metrics();
    }

    /**
     * Close the connections; calls in flight fail with {@link Status#CANCELLED}. Closes every view. Idempotent.
     */
    @Override
    public void close()
    {
        runtime.close();
    }

    private static Duration requirePositive(final Duration deadline)
    {
        if (deadline.isNegative() || deadline.isZero())
        {
            throw new IllegalArgumentException("invalid deadline: deadline=" + deadline);
        }
        return deadline;
    }

    /**
     * Settings of an {@link RpcClient}.
     */
    public static final class Builder
    {
        private final Conduit conduit;
        private final List<String> endpoints = new ArrayList<>();
        private final List<ClientInterceptor> interceptors = new ArrayList<>();
        private final List<Codec> codecs = new ArrayList<>();
        private Balancing balancing = Balancing.ROUND_ROBIN;
        private RetryPolicy retryPolicy = RetryPolicy.exponential(
            3, Duration.ofMillis(10), Duration.ofSeconds(1));
        private long defaultTimeoutNs;

        private Builder(final Conduit conduit)
        {
            this.conduit = Objects.requireNonNull(conduit, "conduit");
        }

        /**
         * @param endpoint a server's endpoint, added to any already given.
         * @return this.
         */
        public Builder endpoint(final String endpoint)
        {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /**
         * @param endpoints servers' endpoints, added to any already given.
         * @return this.
         */
        public Builder endpoints(final List<String> endpoints)
        {
            endpoints.forEach(this::endpoint);
            return this;
        }

        /**
         * @param balancing how calls are spread over endpoints; default {@link Balancing#ROUND_ROBIN}.
         * @return this.
         */
        public Builder balancing(final Balancing balancing)
        {
            this.balancing = Objects.requireNonNull(balancing, "balancing");
            return this;
        }

        /**
         * @param deadline for every call, from when it is made; default none.
         * @return this.
         */
        public Builder defaultDeadline(final Duration deadline)
        {
            this.defaultTimeoutNs = requirePositive(deadline).toNanos();
            return this;
        }

        /**
         * @param interceptor to see every call; interceptors run in the order added.
         * @return this.
         */
        public Builder interceptor(final ClientInterceptor interceptor)
        {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * @param retryPolicy for {@link Idempotent} methods; default 3 attempts from 10 ms back-off up to 1 s.
         * @return this.
         */
        public Builder retry(final RetryPolicy retryPolicy)
        {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * @param codec asked before the built-in codecs.
         * @return this.
         */
        public Builder codec(final Codec codec)
        {
            codecs.add(Objects.requireNonNull(codec, "codec"));
            return this;
        }

        /**
         * @return a client, connecting to its endpoints in the background.
         * @throws IllegalArgumentException when no endpoint was given or one is invalid.
         */
        public RpcClient build()
        {
            if (endpoints.isEmpty())
            {
                throw new IllegalArgumentException("rpc client needs an endpoint: call endpoint(uri)");
            }
            final ClientRuntime runtime = new ClientRuntime(
                conduit, endpoints, balancing, retryPolicy, interceptors, codecs);
            return new RpcClient(runtime, CallOptions.DEFAULT.withTimeoutNs(defaultTimeoutNs));
        }
    }
}
