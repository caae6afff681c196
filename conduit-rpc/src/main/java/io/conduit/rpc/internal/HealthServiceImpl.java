package io.conduit.rpc.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.conduit.rpc.HealthService;

/**
 * The health service of one server: {@code SERVING} for the server and its services until told otherwise.
 */
final class HealthServiceImpl implements HealthService
{
    private final Map<String, ServingStatus> statuses = new ConcurrentHashMap<>();

    void set(final String serviceName, final ServingStatus status)
    {
        statuses.put(serviceName, status);
    }

    @Override
    public ServingStatus check(final String serviceName)
    {
        return statuses.getOrDefault(serviceName == null ? "" : serviceName, ServingStatus.SERVICE_UNKNOWN);
    }
}
