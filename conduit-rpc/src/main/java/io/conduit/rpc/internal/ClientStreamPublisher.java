package io.conduit.rpc.internal;

import java.util.concurrent.Flow;

/**
 * What a server-streaming stub returns: each subscription makes one call.
 */
final class ClientStreamPublisher implements Flow.Publisher<Object>
{
    private final ClientRuntime runtime;
    private final ClientCallInfo info;
    private final byte[] argument;

    ClientStreamPublisher(final ClientRuntime runtime, final ClientCallInfo info, final byte[] argument)
    {
        this.runtime = runtime;
        this.info = info;
        this.argument = argument;
    }

    @Override
    public void subscribe(final Flow.Subscriber<? super Object> subscriber)
    {
        new StreamCall(runtime, info, argument, subscriber).start();
    }
}
