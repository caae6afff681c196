package io.conduit.bench.internal;

import java.util.function.BiConsumer;

/**
 * The client's end of one RPC system's echo method, driven by {@link RpcClientLoops}. Every payload is a new
 * array that the system may keep until its call completes.
 */
interface EchoClient
{
    /**
     * Call the echo method and wait for its reply.
     *
     * @param payload to send.
     * @return the reply.
     * @throws Exception when the call fails.
     */
    byte[] echo(byte[] payload) throws Exception;

    /**
     * Start a call of the echo method; {@code onDone} runs once, on a thread of the system, with the reply or the
     * failure. It may start the next call.
     *
     * @param payload to send.
     * @param onDone  given the reply and null, or null and the failure.
     */
    void echoAsync(byte[] payload, BiConsumer<byte[], Throwable> onDone);
}
