package io.conduit.rpc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as an RPC service. Each method is a call named {@code service/method}; overloaded method
 * names are rejected. A method takes zero or one argument and is one of:
 * <ul>
 *   <li>blocking: {@code R m(A a)}, which waits for the reply and throws {@link RpcException};</li>
 *   <li>asynchronous: {@code CompletableFuture<R> m(A a)}, completed exceptionally with {@link RpcException};
 *       cancelling the returned future cancels the call on the server;</li>
 *   <li>server-streaming: {@code java.util.concurrent.Flow.Publisher<R> m(A a)}. On the client the call starts
 *       when the publisher is subscribed; {@code Subscription.request(n)} travels to the server as credit, and the
 *       server's publisher is never asked for more than the client requested (flow control end to end);
 *       {@code Subscription.cancel()} cancels the call on the server. The deadline covers the whole stream.</li>
 * </ul>
 * {@code void}/{@code Void} results are allowed. Arguments and results are encoded by the first {@link Codec}
 * that accepts their declared type.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService
{
    /**
     * @return the service's name on the wire; empty (the default) means the interface's simple name.
     */
    String name() default "";
}
