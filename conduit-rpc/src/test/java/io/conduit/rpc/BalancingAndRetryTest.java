package io.conduit.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client over several servers: balancing, retries of idempotent methods, fail-over.
 */
@Timeout(60)
class BalancingAndRetryTest
{
    private final Conduit conduit = Conduit.launch();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
        conduit.close();
    }

    private RpcServer server(final String endpoint, final TestServiceImpl service)
    {
        final RpcServer server = RpcServer.builder(conduit).endpoint(endpoint)
            .service(TestService.class, service).build();
        closeables.add(server);
        return server;
    }

    private RpcClient client(final RpcClient.Builder builder)
    {
        final RpcClient client = builder.defaultDeadline(Duration.ofSeconds(10)).build();
        closeables.add(client);
        return client;
    }

    @Test
    void shouldSpreadCallsRoundRobin()
    {
        final TestServiceImpl one = new TestServiceImpl("one");
        final TestServiceImpl two = new TestServiceImpl("two");
        final RpcServer first = server("tcp://127.0.0.1:0", one);
        final RpcServer second = server("inproc:balancing-rr", two);
        final RpcClient client = client(RpcClient.builder(conduit)
            .endpoints(List.of(first.endpoint(), second.endpoint())).balancing(Balancing.ROUND_ROBIN));
        final TestService proxy = client.proxy(TestService.class);
        // The TCP server's connection comes up on a thread of its own: until it is ready, round-robin skips it.
        awaitBothReady(proxy, one, two);
        final int oneBefore = one.calls.get();
        final int twoBefore = two.calls.get();

        for (int i = 0; i < 100; i++)
        {
            proxy.sum(List.of(i));
        }

        assertThat(one.calls.get() - oneBefore + two.calls.get() - twoBefore).isEqualTo(100);
        assertThat(one.calls.get() - oneBefore).isBetween(49, 51);
        assertThat(two.calls.get() - twoBefore).isBetween(49, 51);
    }

    @Test
    void shouldPreferTheEndpointWithFewestOutstandingCalls() throws Exception
    {
        final TestServiceImpl slow = new TestServiceImpl("slow");
        final TestServiceImpl fast = new TestServiceImpl("fast", false);
        final RpcServer slowServer = server("inproc:balancing-slow", slow);
        final RpcServer fastServer = server("inproc:balancing-fast", fast);
        final RpcClient client = client(RpcClient.builder(conduit)
            .endpoints(List.of(slowServer.endpoint(), fastServer.endpoint()))
            .balancing(Balancing.LEAST_OUTSTANDING));
        final TestService proxy = client.proxy(TestService.class);
        awaitBothReady(proxy, slow, fast);

        final List<CompletableFuture<String>> stuck = new ArrayList<>();
        while (slow.waiting.getCount() > 0)
        {
            stuck.add(proxy.waitForCancelAsync("hold"));
            assertThat(stuck.size()).as("calls sent before the slow server began one").isLessThan(100);
            slow.waiting.await(50, TimeUnit.MILLISECONDS);
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stuck.stream().filter(call -> !call.isDone()).count() != slow.hanging.get())
        {
            assertThat(System.nanoTime()).as("calls answered by the fast server").isLessThan(deadlineNs);
            Thread.onSpinWait();
        }
        final int slowBefore = slow.calls.get();
        final int fastBefore = fast.calls.get();

        for (int i = 0; i < 20; i++)
        {
            proxy.sum(List.of(i));
        }

        assertThat(slow.calls.get() - slowBefore).isZero();
        assertThat(fast.calls.get() - fastBefore).isEqualTo(20);
        stuck.forEach(call -> call.cancel(true));
    }

    private static void awaitBothReady(final TestService proxy, final TestServiceImpl a, final TestServiceImpl b)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.calls.get() == 0 || b.calls.get() == 0)
        {
            assertThat(System.nanoTime() - deadlineNs).as("both servers answered a call").isNegative();
            proxy.sum(List.of());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void shouldRetryOnlyIdempotentMethodsOnUnavailable()
    {
        final TestServiceImpl service = new TestServiceImpl("s");
        final RpcServer server = server("inproc:retry", service);
        final RpcClient client = client(RpcClient.builder(conduit).endpoint(server.endpoint())
            .retry(RetryPolicy.exponential(4, Duration.ofMillis(1), Duration.ofMillis(5))));
        final TestService proxy = client.proxy(TestService.class);

        assertThatThrownBy(() -> proxy.unavailable("x")).isInstanceOfSatisfying(RpcException.class,
            ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(service.unavailableAttempts.getAndSet(0)).isEqualTo(4);

        assertThatThrownBy(() -> proxy.unavailableNotIdempotent("x")).isInstanceOf(RpcException.class);
        assertThat(service.unavailableAttempts.getAndSet(0)).isEqualTo(1);

        assertThatThrownBy(() -> proxy.fail("x")).isInstanceOf(RpcException.class);
        assertThat(server.metrics().method("test.Service", "fail").calls()).as("INTERNAL is not retried")
            .isEqualTo(1);
    }

    @Test
    void shouldFailOverIdempotentCallsWhenAServerDies()
    {
        final TestServiceImpl one = new TestServiceImpl("one");
        final TestServiceImpl two = new TestServiceImpl("two");
        final RpcServer first = server("tcp://127.0.0.1:0", one);
        final RpcServer second = server("tcp://127.0.0.1:0", two);
        final RpcClient client = client(RpcClient.builder(conduit)
            .endpoints(List.of(first.endpoint(), second.endpoint())));
        final TestService proxy = client.proxy(TestService.class);
        awaitBothReady(proxy, one, two);

        first.close();

        for (int i = 0; i < 10; i++)
        {
            assertThat(proxy.whoAmI()).startsWith("two|");
        }
    }

    @Test
    void shouldFailFastWithUnavailableWhenNoServerIsThere()
    {
        final RpcClient client = client(RpcClient.builder(conduit).endpoint("tcp://127.0.0.1:1")
            .retry(RetryPolicy.none()));
        final long startNs = System.nanoTime();

        assertThatThrownBy(() -> client.proxy(TestService.class).sum(List.of(1)))
            .isInstanceOfSatisfying(RpcException.class, ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(System.nanoTime() - startNs).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
}
