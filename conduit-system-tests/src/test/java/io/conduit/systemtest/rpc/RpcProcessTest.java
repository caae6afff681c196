package io.conduit.systemtest.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.conduit.Conduit;
import io.conduit.rpc.RpcClient;
import io.conduit.rpc.RpcException;
import io.conduit.rpc.Status;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RPC between this JVM (the client) and server processes that are killed, outlived by deadlines, and loaded, over
 * TCP and (where it matters) shared memory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcProcessTest
{
    static final Pattern READY = Pattern.compile("^READY endpoint=(\\S+)");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final long HEARTBEAT_TIMEOUT_MS = 1_000;

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    private final Conduit conduit = Conduit.launch(new Conduit.Context().reconnectBackoffMs(10, 200));
    private final List<RpcClient> clients = new ArrayList<>();

    @AfterEach
    void close()
    {
        clients.forEach(RpcClient::close);
        conduit.close();
    }

    private static JavaProcess startServerProcess(final JavaProcesses processes, final String name)
    {
        return startServerProcess(processes, name, "tcp://127.0.0.1:0");
    }

    private static JavaProcess startServerProcess(
        final JavaProcesses processes, final String name, final String endpoint)
    {
        return processes.start(name, List.of(), WorkServerMain.class, endpoint, name);
    }

    /** TCP served by an event loop and by a thread per connection, and shared memory under a name unique to this run. */
    static List<String> endpoints()
    {
        return List.of("tcp://127.0.0.1:0", "tcp://127.0.0.1:0?io=thread",
            "shm:rpc-process-test-" + ProcessHandle.current().pid());
    }

    private RpcClient client(final RpcClient.Builder builder)
    {
        final RpcClient client = builder.defaultDeadline(Duration.ofSeconds(30)).build();
        clients.add(client);
        return client;
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldFailCallWithUnavailablePromptlyWhenServerIsKilledMidCall(final String uri) throws Exception
    {
        final JavaProcess server = startServerProcess(processes, "server", uri);
        final String endpoint = server.awaitLine(READY, START_TIMEOUT).group(1);
        final WorkService work = client(RpcClient.builder(conduit).endpoint(endpoint)).proxy(WorkService.class);
        final CompletableFuture<String> call = work.hang("mid-call");
        server.awaitLine(Pattern.compile("^HANGING"), START_TIMEOUT);

        server.kill();
        final long killedNs = System.nanoTime();

        final Throwable error = catchCause(call);
        final long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        System.out.printf("call to killed server failed after %d ms%n", failedMs);
        assertThat(error).isInstanceOfSatisfying(RpcException.class,
            ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(failedMs).as("promptly (shm: within its 1 s liveness timeout), not at the 30 s deadline")
            .isLessThan(3_000);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldFailCallWithUnavailableWithinHeartbeatTimeoutWhenServerFreezes(final String uri) throws Exception
    {
        final JavaProcess server = processes.start("frozen", List.of("-Dconduit.heartbeat.interval.ms=100"),
            WorkServerMain.class, uri, "frozen");
        final String endpoint = server.awaitLine(READY, START_TIMEOUT).group(1);
        final Conduit watchful = Conduit.launch(new Conduit.Context()
            .heartbeatIntervalMs(100)
            .heartbeatTimeoutMs(HEARTBEAT_TIMEOUT_MS)
            .shmLivenessTimeoutMs(HEARTBEAT_TIMEOUT_MS));
        final WorkService work = client(RpcClient.builder(watchful).endpoint(endpoint)).proxy(WorkService.class);
        final CompletableFuture<String> call = work.hang("frozen");
        server.awaitLine(Pattern.compile("^HANGING"), START_TIMEOUT);

        server.suspend();
        final long frozenNs = System.nanoTime();
        final Throwable error;
        try
        {
            error = catchCause(call);
        }
        finally
        {
            server.resume();
            watchful.close();
        }

        final long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenNs);
        System.out.printf("call to frozen server failed after %d ms%n", failedMs);
        assertThat(error).isInstanceOfSatisfying(RpcException.class,
            ex -> assertThat(ex.status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(failedMs).isBetween(HEARTBEAT_TIMEOUT_MS / 2, HEARTBEAT_TIMEOUT_MS + 2_000);
    }

    @Test
    void shouldFailOverIdempotentCallsToTheSecondServer() throws Exception
    {
        final JavaProcess first = startServerProcess(processes, "one");
        final JavaProcess second = startServerProcess(processes, "two");
        final String firstEndpoint = first.awaitLine(READY, START_TIMEOUT).group(1);
        final String secondEndpoint = second.awaitLine(READY, START_TIMEOUT).group(1);
        final WorkService work = client(RpcClient.builder(conduit).endpoints(List.of(firstEndpoint, secondEndpoint)))
            .proxy(WorkService.class);
        awaitBoth(work);

        final ExecutorService callers = Executors.newFixedThreadPool(10);
        try
        {
            final List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                calls.add(CompletableFuture.supplyAsync(() -> work.slowWhoAmI(1_000), callers));
            }
            first.awaitLine(Pattern.compile("^WORKING name=one"), START_TIMEOUT);
            first.kill();

            for (final CompletableFuture<String> call : calls)
            {
                assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("two");
            }
            assertThat(work.whoAmI()).startsWith("two|");
        }
        finally
        {
            callers.shutdownNow();
        }
    }

    private static void awaitBoth(final WorkService work)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean one = false;
        boolean two = false;
        while (!(one && two))
        {
            assertThat(System.nanoTime()).as("both servers answered").isLessThan(deadlineNs);
            final String who = work.whoAmI();
            one |= who.startsWith("one|");
            two |= who.startsWith("two|");
        }
    }

    @Test
    void shouldCancelTheServersWorkWhenTheDeadlinePasses()
    {
        final JavaProcess server = startServerProcess(processes, "server");
        final String endpoint = server.awaitLine(READY, START_TIMEOUT).group(1);
        final RpcClient client = client(RpcClient.builder(conduit).endpoint(endpoint));
        // A first call warms the server's codec for longs (slow in a cold JVM), so the deadline below is spent
        // working: a call cancelled before its handler starts never runs.
        assertThat(client.proxy(WorkService.class).square(3).join()).isEqualTo(9);
        final WorkService work = client.withDeadline(Duration.ofMillis(1_000)).proxy(WorkService.class);
        final long startNs = System.nanoTime();

        assertThatThrownBy(() -> work.work(20_000)).isInstanceOfSatisfying(RpcException.class,
            ex -> assertThat(ex.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
        final long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        final Matcher cancelled = server.awaitLine(
            Pattern.compile("^CANCELLED method=work afterMs=(\\d+) remainingAtStartMs=(\\d+)"), START_TIMEOUT);
        System.out.printf("client gave up after %d ms; server cancelled after %s ms with %s ms left at start%n",
            failedMs, cancelled.group(1), cancelled.group(2));
        assertThat(failedMs).isBetween(990L, 6_000L);
        assertThat(Long.parseLong(cancelled.group(2))).isBetween(1L, 1_000L);
        assertThat(Long.parseLong(cancelled.group(1))).isLessThan(5_000L);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCompleteTenThousandConcurrentCallsFromHundredThreads(final String uri) throws Exception
    {
        final String endpoint = startServerProcess(processes, "server", uri).awaitLine(READY, START_TIMEOUT)
            .group(1);
        final WorkService work = client(RpcClient.builder(conduit).endpoint(endpoint)).proxy(WorkService.class);
        final int threads = 100;
        final int callsPerThread = 100;
        final AtomicInteger right = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> callers = new ArrayList<>();
        final long startNs = System.nanoTime();

        for (int t = 0; t < threads; t++)
        {
            final int base = t * callsPerThread;
            final Thread caller = new Thread(() ->
            {
                final List<CompletableFuture<Long>> calls = new ArrayList<>();
                for (int i = 0; i < callsPerThread; i++)
                {
                    calls.add(work.square(base + i));
                }
                for (int i = 0; i < callsPerThread; i++)
                {
                    try
                    {
                        final long value = base + i;
                        if (calls.get(i).get(60, TimeUnit.SECONDS) == value * value)
                        {
                            right.incrementAndGet();
                        }
                    }
                    catch (final Exception ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }
            }, "caller-" + t);
            callers.add(caller);
            caller.start();
        }
        for (final Thread caller : callers)
        {
            caller.join(TimeUnit.SECONDS.toMillis(90));
        }
        System.out.printf("%d calls from %d threads in %d ms%n", threads * callsPerThread, threads,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));

        assertThat(failure.get()).isNull();
        assertThat(right.get()).isEqualTo(threads * callsPerThread);
    }

    private static Throwable catchCause(final CompletableFuture<?> call) throws InterruptedException
    {
        try
        {
            call.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the call succeeded");
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause();
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new AssertionError("the call did not fail within 20 s", ex);
        }
    }
}
