package io.conduit.rpc;

/**
 * The built-in health service, registered on every {@link RpcServer} as {@code conduit.Health}. A server reports
 * {@link ServingStatus#SERVING} for itself (the empty name) and every registered service until told otherwise
 * with {@link RpcServer#servingStatus(String, ServingStatus)}.
 */
@RpcService(name = "conduit.Health")
public interface HealthService
{
    /** Whether a service is taking calls. */
    enum ServingStatus
    {
        /** Taking calls. */
        SERVING,
        /** Registered but not taking calls, such as while draining. */
        NOT_SERVING,
        /** No service of that name is registered. */
        SERVICE_UNKNOWN
    }

    /**
     * @param serviceName a service's name, or the empty string for the server as a whole.
     * @return its serving status.
     */
    @Idempotent
    ServingStatus check(String serviceName);
}
