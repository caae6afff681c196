package io.conduit.samples;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.conduit.Conduit;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.RpcServer;
import io.conduit.rpc.RpcService;
import io.conduit.rpc.Status;

/**
 * The README's RPC tour: a typed service over TCP on loopback, called blocking and asynchronously, and a status
 * the server answers with.
 */
public final class HelloRpc
{
    /**
     * A service is a plain interface; records and common types travel with no configuration.
     */
    @RpcService(name = "samples.Greeter")
    public interface Greeter
    {
        /**
         * @param text  of the greeting.
         * @param names it went to.
         */
        record Greeting(String text, List<String> names)
        {
        }

        /**
         * @param name to greet; blank is {@code INVALID_ARGUMENT}.
         * @return the greeting.
         */
        Greeting greet(String name);

        /**
         * @param names to greet.
         * @return the greeting, when it is ready.
         */
        CompletableFuture<Greeting> greetAll(List<String> names);
    }

    private HelloRpc()
    {
    }

    /**
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final Greeter implementation = new Greeter()
        {
            @Override
            public Greeting greet(final String name)
            {
                if (name.isBlank())
                {
                    throw new RpcException(Status.INVALID_ARGUMENT, "say who to greet");
                }
                return new Greeting("hello, " + name, List.of(name));
            }

            @Override
            public CompletableFuture<Greeting> greetAll(final List<String> names)
            {
                return CompletableFuture.completedFuture(new Greeting("hello, all", names));
            }
        };
        try (Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit)
                .endpoint("tcp://127.0.0.1:0") // or shm:greeter, inproc:greeter
                .service(Greeter.class, implementation)
                .build();
            RpcClient client = RpcClient.builder(conduit)
                .endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(5)) // travels with each call; the server sees the time left
                .build())
        {
            final Greeter greeter = client.proxy(Greeter.class);
            System.out.println(greeter.greet("Ada"));
            System.out.println(greeter.greetAll(List.of("Ada", "Grace")).join());
            try
            {
                greeter.greet(" ");
            }
            catch (final RpcException ex)
            {
                System.out.println(ex.status() + ": " + ex.description());
            }
        }
    }
}
