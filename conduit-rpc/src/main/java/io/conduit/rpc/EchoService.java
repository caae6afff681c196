package io.conduit.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * The built-in echo service, for tests, demos and benchmarks: returns its payload unchanged. Register
 * {@link Impl} on a server to serve it.
 */
@RpcService(name = "conduit.Echo")
public interface EchoService
{
    /**
     * @param payload any bytes.
     * @return the same bytes.
     */
    byte[] echo(byte[] payload);

    /**
     * @param payload any bytes.
     * @return the same bytes, asynchronously.
     */
    CompletableFuture<byte[]> echoAsync(byte[] payload);

    /**
     * The echo implementation: answers on the thread that runs the handler, without copying.
     */
    final class Impl implements EchoService
    {
        @Override
        public byte[] echo(final byte[] payload)
        {
            return payload;
        }

        @Override
        public CompletableFuture<byte[]> echoAsync(final byte[] payload)
        {
            return CompletableFuture.completedFuture(payload);
        }
    }
}
