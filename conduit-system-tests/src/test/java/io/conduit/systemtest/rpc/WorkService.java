package io.conduit.systemtest.rpc;

import java.util.concurrent.CompletableFuture;

import io.conduit.rpc.Idempotent;
import io.conduit.rpc.RpcService;

/**
 * What the RPC system tests call on server processes.
 */
@RpcService(name = "systemtest.Work")
public interface WorkService
{
    /**
     * @return the server's name and the caller's verified identity, separated by {@code |}.
     */
    @Idempotent
    String whoAmI();

    /**
     * @param millis how long to work.
     * @return the server's name, after working that long; prints {@code WORKING} when it starts.
     */
    @Idempotent
    String slowWhoAmI(long millis);

    /**
     * Work until cancelled or the time passes; prints {@code CANCELLED} when it sees the cancellation.
     *
     * @param millis the most to work.
     * @return how the work ended.
     */
    String work(long millis);

    /**
     * Never answers; prints {@code HANGING}.
     *
     * @param tag for the log.
     * @return never.
     */
    CompletableFuture<String> hang(String tag);

    /**
     * @param value any.
     * @return its square.
     */
    CompletableFuture<Long> square(long value);
}
