package io.conduit.systemtest.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.rpc.CallContext;
import io.conduit.rpc.RpcServer;

/**
 * A server process for the RPC system tests: {@code WorkServerMain <endpoint> <name>}. Prints
 * {@code READY endpoint=<bound endpoint>} once listening, then serves until killed. TLS settings come from the
 * {@code conduit.tls.*} system properties.
 */
public final class WorkServerMain implements WorkService
{
    private final String name;

    private WorkServerMain(final String name)
    {
        this.name = name;
    }

    /**
     * @param args endpoint and server name.
     * @throws InterruptedException never in practice: the process is killed.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        try (Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit).endpoint(args[0])
                .service(WorkService.class, new WorkServerMain(args[1]))
                .maxCallsInFlight(20_000)
                .build())
        {
            System.out.println("READY endpoint=" + server.endpoint());
            new CountDownLatch(1).await();
        }
    }

    @Override
    public String whoAmI()
    {
        return name + "|" + CallContext.current().peerIdentity();
    }

    @Override
    public String slowWhoAmI(final long millis)
    {
        System.out.println("WORKING name=" + name);
        final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        final CallContext context = CallContext.current();
        while (System.nanoTime() - untilNs < 0 && !context.isCancelled())
        {
            Thread.onSpinWait();
            Thread.yield();
        }
        return name;
    }

    @Override
    public String work(final long millis)
    {
        final CallContext context = CallContext.current();
        final long startNs = System.nanoTime();
        final long remainingAtStartMs = TimeUnit.NANOSECONDS.toMillis(context.timeRemainingNs());
        context.onCancel(() -> System.out.println("CANCELLED method=work afterMs=" +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " remainingAtStartMs=" + remainingAtStartMs));
        System.out.println("WORKING name=" + name);
        while (System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(millis) && !context.isCancelled())
        {
            Thread.onSpinWait();
            Thread.yield();
        }
        return context.isCancelled() ? "cancelled" : "done";
    }

    @Override
    public CompletableFuture<String> hang(final String tag)
    {
        System.out.println("HANGING tag=" + tag);
        return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Long> square(final long value)
    {
        return CompletableFuture.completedFuture(value * value);
    }
}
