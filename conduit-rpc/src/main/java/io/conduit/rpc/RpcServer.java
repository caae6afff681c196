package io.conduit.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.conduit.Conduit;
import io.conduit.rpc.internal.ServerRuntime;

/**
 * Serves {@link RpcService} implementations on one endpoint:
 * <pre>{@code
 * try (RpcServer server = RpcServer.builder(conduit)
 *         .endpoint("tcp://127.0.0.1:0")
 *         .service(EchoService.class, new EchoService.Impl())
 *         .build()) {
 *     System.out.println("serving on " + server.endpoint());
 *     ...
 * }
 * }</pre>
 * Endpoints: {@code tcp://host:port} (port 0 picks a free one; {@code ?tls=true} uses the Conduit's TLS settings,
 * and with {@code Context.tlsClientAuth(true)} callers must present a trusted certificate, whose subject the
 * implementation sees in {@link CallContext#peerIdentity()}), {@code inproc:name} and {@code shm:name}
 * (requests on stream 1 of the endpoint, replies on a stream per client). The built-in {@link HealthService} is
 * always registered. Thread-safe.
 */
public final class RpcServer implements AutoCloseable
{
    private final ServerRuntime runtime;

    private RpcServer(final ServerRuntime runtime)
    {
        this.runtime = runtime;
    }

    /**
     * @param conduit that owns the transports; must outlive the server.
     * @return a builder.
     */
    public static Builder builder(final Conduit conduit)
    {
        return new Builder(conduit);
    }

    /**
     * @return the endpoint the server listens on; for TCP port 0, with the port chosen.
     */
    public String endpoint()
    {
        return runtime.endpoint();
    }

    /**
     * @return calls, errors by status and latency per method, now.
     */
    public RpcMetrics metrics()
    {
        return runtime.metrics();
    }

    /**
     * Set what the {@link HealthService} reports for a service.
     *
     * @param serviceName a registered service's name, or the empty string for the server as a whole.
     * @param status      to report.
     */
    public void servingStatus(final String serviceName, final HealthService.ServingStatus status)
    {
        runtime.servingStatus(serviceName, status);
    }

    /**
     * Stop listening, cancel calls in flight and close connections. Idempotent.
     */
    @Override
    public void close()
    {
        runtime.close();
    }

    /**
     * Settings of an {@link RpcServer}.
     */
    public static final class Builder
    {
        private final Conduit conduit;
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private final List<ServerInterceptor> interceptors = new ArrayList<>();
        private final List<Codec> codecs = new ArrayList<>();
        private String endpoint;
        private int maxCallsInFlight = 10_000;
        private Executor executor;

        private Builder(final Conduit conduit)
        {
            this.conduit = Objects.requireNonNull(conduit, "conduit");
        }

        /**
         * @param endpoint to listen on, such as {@code tcp://127.0.0.1:0} or {@code inproc:orders}.
         * @return this.
         */
        public Builder endpoint(final String endpoint)
        {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param type           an interface annotated with {@link RpcService}.
         * @param implementation serving it; called from many threads at once.
         * @param <T>            the interface.
         * @return this.
         * @throws IllegalArgumentException when the interface is not a valid service (at {@link #build()}).
         */
        public <T> Builder service(final Class<T> type, final T implementation)
        {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(implementation, "implementation"));
            return this;
        }

        /**
         * @param maxCallsInFlight calls running at once beyond which new calls fail with
         *                         {@link Status#RESOURCE_EXHAUSTED}; default 10,000.
         * @return this.
         */
        public Builder maxCallsInFlight(final int maxCallsInFlight)
        {
            if (maxCallsInFlight < 1)
            {
                throw new IllegalArgumentException("invalid maxCallsInFlight: maxCallsInFlight=" + maxCallsInFlight);
            }
            this.maxCallsInFlight = maxCallsInFlight;
            return this;
        }

        /**
         * @param interceptor to see every call; interceptors run in the order added.
         * @return this.
         */
        public Builder interceptor(final ServerInterceptor interceptor)
        {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
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
         * Where implementations run. The default is a pool of up to 64 daemon threads, which suits blocking
         * implementations. {@code Runnable::run} runs them on the transport's receiving thread, without a hand-off:
         * the fastest choice for implementations that never block (such as {@link EchoService.Impl}), and a stall
         * of the whole connection for one that does.
         *
         * @param executor to run implementations on; null for the default.
         * @return this.
         */
        public Builder executor(final Executor executor)
        {
            this.executor = executor;
            return this;
        }

        /**
         * @return a server, listening.
         * @throws IllegalArgumentException when the endpoint is missing or invalid or a service is invalid.
         * @throws io.conduit.ConduitException when the endpoint cannot be opened, such as a port in use.
         */
        public RpcServer build()
        {
            if (endpoint == null)
            {
                throw new IllegalArgumentException("rpc server needs an endpoint: call endpoint(uri)");
            }
            return new RpcServer(new ServerRuntime(
                conduit, endpoint, services, maxCallsInFlight, interceptors, executor, codecs));
        }
    }
}
