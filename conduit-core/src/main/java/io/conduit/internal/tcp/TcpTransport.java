package io.conduit.internal.tcp;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Counters;
import io.conduit.Endpoint;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.Transport;

/**
 * {@code tcp://host:port}: being written.
 */
public final class TcpTransport implements Transport
{
    /**
     * @param context  of the owning Conduit.
     * @param counters of the owning Conduit.
     */
    public TcpTransport(final Conduit.Context context, final Counters counters)
    {
    }

    @Override
    public Publication addPublication(final Endpoint endpoint, final int streamId)
    {
        throw new ConduitException(ErrorCode.INVALID_ENDPOINT, "not supported yet: scheme=tcp");
    }

    @Override
    public Subscription addSubscription(final Endpoint endpoint, final int streamId)
    {
        throw new ConduitException(ErrorCode.INVALID_ENDPOINT, "not supported yet: scheme=tcp");
    }

    @Override
    public void close()
    {
    }
}
