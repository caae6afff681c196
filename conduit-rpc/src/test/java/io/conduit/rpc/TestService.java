package io.conduit.rpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A service with one method of each shape and fault the tests need.
 */
@RpcService(name = "test.Service")
public interface TestService
{
    /** A side of an order. */
    enum Side
    {
        BUY,
        SELL
    }

    /** A nested record. */
    record Price(double value, long atNs)
    {
    }

    /** A record with common field types. */
    record Order(String id, int quantity, List<String> tags, Map<String, Integer> counts, Side side, Price price)
    {
    }

    Order roundTrip(Order order);

    CompletableFuture<String> greet(String name);

    void nothing();

    int sum(List<Integer> values);

    String fail(String message);

    String notFound(String key);

    String waitForCancel(String tag);

    CompletableFuture<String> waitForCancelAsync(String tag);

    @Idempotent
    String unavailable(String tag);

    String unavailableNotIdempotent(String tag);

    @Idempotent
    String whoAmI();

    Flow.Publisher<Integer> count(int n);
}
