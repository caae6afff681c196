package io.conduit.rpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.conduit.Conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calls of every shape, and their faults, over each transport.
 */
@Timeout(60)
class RpcCallTest
{
    /** Each transport: the shm name is per process, so that concurrent builds do not share a log. */
    static List<String> endpoints()
    {
        return List.of("tcp://127.0.0.1:0", "tcp://127.0.0.1:0?io=thread", "inproc:rpc-call-test",
            "shm:rpc-call-test-" + ProcessHandle.current().pid());
    }

    private final Conduit conduit = Conduit.launch();
    private final TestServiceImpl service = new TestServiceImpl("s1");
    private RpcServer server;
    private RpcClient client;

    @AfterEach
    void close()
    {
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
        }
        conduit.close();
    }

    private TestService start(final String endpoint)
    {
        return start(RpcServer.builder(conduit).endpoint(endpoint), RpcClient.builder(conduit));
    }

    private TestService start(final RpcServer.Builder serverBuilder, final RpcClient.Builder clientBuilder)
    {
        server = serverBuilder.service(TestService.class, service).service(EchoService.class, new EchoService.Impl())
            .build();
        client = clientBuilder.endpoint(server.endpoint()).defaultDeadline(Duration.ofSeconds(10)).build();
        return client.proxy(TestService.class);
    }

    /**
     * Blocking callers read replies themselves where the transport lets them, and read others' on the way;
     * asynchronous callers rely on the connection's own thread. Mixed, every reply still reaches its caller.
     */
    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldDeliverEveryReplyWhenBlockingAndAsynchronousCallersMix(final String endpoint) throws Exception
    {
        start(endpoint);
        final EchoService echo = client.proxy(EchoService.class);
        final int threads = 8;
        final int callsPerThread = 2_000;
        final AtomicInteger wrong = new AtomicInteger();
        final List<CompletableFuture<Void>> done = new ArrayList<>();
        final ExecutorService callers = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++)
        {
            final boolean blocking = t % 2 == 0;
            final byte id = (byte)t;
            done.add(CompletableFuture.runAsync(() ->
            {
                final List<CompletableFuture<byte[]>> pending = new ArrayList<>();
                for (int i = 0; i < callsPerThread; i++)
                {
                    final byte[] payload = {id, (byte)i, (byte)(i >> 8)};
                    if (blocking)
                    {
                        countWrong(echo.echo(payload), payload, wrong);
                        continue;
                    }
                    pending.add(echo.echoAsync(payload).whenComplete((reply, error) ->
                        countWrong(reply, payload, wrong)));
                    if (pending.size() == 16)
                    {
                        pending.forEach(CompletableFuture::join);
                        pending.clear();
                    }
                }
                pending.forEach(CompletableFuture::join);
            }, callers));
        }
        try
        {
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(45, TimeUnit.SECONDS);
        }
        finally
        {
            callers.shutdownNow();
        }
        assertThat(wrong.get()).isZero();
    }

    private static void countWrong(final byte[] reply, final byte[] expected, final AtomicInteger wrong)
    {
        if (!Arrays.equals(reply, expected))
        {
            wrong.incrementAndGet();
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCallEveryShape(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final TestService.Order order = new TestService.Order("o-1", 7, List.of("a", "b"), Map.of("x", 1),
            TestService.Side.SELL, new TestService.Price(12.5, 99L));

        assertThat(proxy.roundTrip(order)).isEqualTo(order);
        assertThat(proxy.greet("ann").get(5, TimeUnit.SECONDS)).isEqualTo("hello ann from s1");
        proxy.nothing();
        assertThat(proxy.sum(List.of(1, 2, 3))).isEqualTo(6);

        final EchoService echo = client.proxy(EchoService.class);
        final byte[] payload = "ping".getBytes(StandardCharsets.UTF_8);
        assertThat(echo.echo(payload)).isEqualTo(payload);
        assertThat(echo.echo(new byte[0])).isEmpty();
        assertThat(echo.echoAsync(new byte[100_000]).get(5, TimeUnit.SECONDS)).hasSize(100_000);
        assertThat(server.endpoint()).doesNotEndWith(":0");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldReturnStatusesForFaults(final String endpoint)
    {
        final TestService proxy = start(endpoint);

        assertThatThrownBy(() -> proxy.fail("boom: key=1"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
            {
                assertThat(ex.status()).isEqualTo(Status.INTERNAL);
                assertThat(ex.description()).isEqualTo("boom: key=1");
            });
        assertThatThrownBy(() -> proxy.notFound("k"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
            {
                assertThat(ex.status()).isEqualTo(Status.NOT_FOUND);
                assertThat(ex.description()).isEqualTo("no such key: key=k");
            });
        assertThatThrownBy(() -> client.proxy(MissingService.class).missing("x"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
            {
                assertThat(ex.status()).isEqualTo(Status.UNIMPLEMENTED);
                assertThat(ex.description()).contains("test.Missing/missing");
            });
        assertThatThrownBy(() -> client.proxy(UnknownMethodService.class).nonexistent("x"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
            {
                assertThat(ex.status()).isEqualTo(Status.UNIMPLEMENTED);
                assertThat(ex.description()).contains("test.Service/nonexistent");
            });
        assertThatThrownBy(() -> client.proxy(MismatchedService.class).roundTrip("not an order"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
                assertThat(ex.status()).isEqualTo(Status.INVALID_ARGUMENT));
        assertThat(proxy.sum(List.of(4, 5))).as("the connection survives every fault").isEqualTo(9);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldExpireDeadlineOnBothSides(final String endpoint) throws Exception
    {
        start(endpoint);
        // Long enough for the handler to start on a loaded machine: one cancelled before it starts never runs.
        final TestService shortDeadline = client.withDeadline(Duration.ofMillis(1_000)).proxy(TestService.class);
        final long startNs = System.nanoTime();

        assertThatThrownBy(() -> shortDeadline.waitForCancel("x"))
            .isInstanceOfSatisfying(RpcException.class, ex ->
                assertThat(ex.status()).isEqualTo(Status.DEADLINE_EXCEEDED));

        assertThat(System.nanoTime() - startNs).isBetween(TimeUnit.MILLISECONDS.toNanos(990),
            TimeUnit.SECONDS.toNanos(6));
        assertThat(service.waiting.getCount()).as("the handler ran").isZero();
        assertThat(service.cancelSeen.await(5, TimeUnit.SECONDS)).as("server saw the cancellation").isTrue();
        assertThat(service.timeRemainingAtStartNs.get()).isBetween(1L, TimeUnit.MILLISECONDS.toNanos(1_000));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCancelOnServerWhenABlockingCallerIsInterrupted(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread caller = new Thread(() ->
        {
            try
            {
                proxy.waitForCancel("x");
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        }, "blocking-caller");
        caller.start();
        assertThat(service.waiting.await(5, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        caller.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOfSatisfying(RpcException.class, ex ->
            assertThat(ex.status()).isEqualTo(Status.CANCELLED));
        assertThat(service.cancelSeen.await(5, TimeUnit.SECONDS)).as("server saw the cancellation").isTrue();
        assertThat(proxy.sum(List.of(1, 2))).as("the connection survives the interrupt").isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCancelOnServerWhenFutureCancelled(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final CompletableFuture<String> call = proxy.waitForCancelAsync("x");
        assertThat(service.waiting.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(call.cancel(true)).isTrue();

        assertThat(service.cancelSeen.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(call).isCancelled();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldRefuseCallsBeyondLimit(final String endpoint) throws Exception
    {
        final TestService proxy = start(RpcServer.builder(conduit).endpoint(endpoint).maxCallsInFlight(1),
            RpcClient.builder(conduit));
        final CompletableFuture<String> first = proxy.waitForCancelAsync("first");
        assertThat(service.waiting.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> proxy.sum(List.of(1)))
            .isInstanceOfSatisfying(RpcException.class, ex ->
                assertThat(ex.status()).isEqualTo(Status.RESOURCE_EXHAUSTED));

        first.cancel(true);
        assertThat(service.cancelSeen.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(awaitSum(proxy)).isEqualTo(1);
        assertThat(server.metrics().method("test.Service", "sum").errors())
            .containsEntry(Status.RESOURCE_EXHAUSTED, 1L);
    }

    private static int awaitSum(final TestService proxy)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            try
            {
                return proxy.sum(List.of(1));
            }
            catch (final RpcException ex)
            {
                if (ex.status() != Status.RESOURCE_EXHAUSTED || System.nanoTime() > deadlineNs)
                {
                    throw ex;
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldRunInterceptorsOnBothSides(final String endpoint)
    {
        final List<String> serverSaw = new CopyOnWriteArrayList<>();
        final List<String> clientSaw = new CopyOnWriteArrayList<>();
        final ServerInterceptor auth = new ServerInterceptor()
        {
            @Override
            public void onCall(final CallContext call)
            {
                if (!"secret".equals(call.metadata().get("token")))
                {
                    throw new RpcException(Status.UNAUTHENTICATED, "no token: method=" + call.methodName());
                }
            }

            @Override
            public void onComplete(final CallContext call, final Status status, final long durationNs)
            {
                serverSaw.add(call.methodName() + "=" + status);
            }
        };
        final ClientInterceptor credentials = new ClientInterceptor()
        {
            @Override
            public void onCall(final ClientCall call)
            {
                if (!call.methodName().equals("sum"))
                {
                    call.putMetadata("token", "secret");
                }
            }

            @Override
            public void onComplete(final ClientCall call, final Status status, final long durationNs)
            {
                clientSaw.add(call.methodName() + "=" + status);
            }
        };
        final TestService proxy = start(RpcServer.builder(conduit).endpoint(endpoint).interceptor(auth),
            RpcClient.builder(conduit).interceptor(credentials));

        assertThat(client.withMetadata("user", "ann").proxy(TestService.class).whoAmI()).isEqualTo("s1|null|ann");
        assertThatThrownBy(() -> proxy.sum(List.of(1)))
            .isInstanceOfSatisfying(RpcException.class, ex ->
                assertThat(ex.status()).isEqualTo(Status.UNAUTHENTICATED));

        assertThat(serverSaw).containsExactly("whoAmI=OK", "sum=UNAUTHENTICATED");
        assertThat(clientSaw).containsExactly("whoAmI=OK", "sum=UNAUTHENTICATED");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldReportHealth(final String endpoint)
    {
        start(endpoint);
        final HealthService health = client.proxy(HealthService.class);

        assertThat(health.check("")).isEqualTo(HealthService.ServingStatus.SERVING);
        assertThat(health.check("test.Service")).isEqualTo(HealthService.ServingStatus.SERVING);
        assertThat(health.check("nope")).isEqualTo(HealthService.ServingStatus.SERVICE_UNKNOWN);
        server.servingStatus("test.Service", HealthService.ServingStatus.NOT_SERVING);
        assertThat(health.check("test.Service")).isEqualTo(HealthService.ServingStatus.NOT_SERVING);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldStreamWithFlowControl(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final List<Integer> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final CountDownLatch firstThree = new CountDownLatch(3);

        proxy.count(10).subscribe(new Flow.Subscriber<>()
        {
            @Override
            public void onSubscribe(final Flow.Subscription s)
            {
                subscription.set(s);
                s.request(3);
            }

            @Override
            public void onNext(final Integer item)
            {
                received.add(item);
                firstThree.countDown();
            }

            @Override
            public void onError(final Throwable error)
            {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete()
            {
                done.complete(null);
            }
        });

        assertThat(firstThree.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(service.maxItemsRequested.get()).as("the server was asked for what the client asked").isEqualTo(3);
        subscription.get().request(100);
        done.get(5, TimeUnit.SECONDS);
        assertThat(received).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldEndAStalledStreamWithDeadlineExceededOnBothSides(final String endpoint) throws Exception
    {
        start(endpoint);
        final TestService shortDeadline = client.withDeadline(Duration.ofMillis(500)).proxy(TestService.class);
        final AtomicInteger items = new AtomicInteger();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final long startNs = System.nanoTime();
        // One item asked for, of a million: the stream stalls on flow control until the deadline ends it.
        shortDeadline.count(1_000_000).subscribe(new Flow.Subscriber<>()
        {
            @Override
            public void onSubscribe(final Flow.Subscription subscription)
            {
                subscription.request(1);
            }

            @Override
            public void onNext(final Integer item)
            {
                items.incrementAndGet();
            }

            @Override
            public void onError(final Throwable throwable)
            {
                error.complete(throwable);
            }

            @Override
            public void onComplete()
            {
                error.complete(null);
            }
        });

        assertThat(error.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(RpcException.class, ex ->
            assertThat(ex.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
        assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(490));
        assertThat(items.get()).isEqualTo(1);
        assertThat(service.streamCancelled.await(5, TimeUnit.SECONDS)).as("the server's stream was cancelled")
            .isTrue();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCallWithProtobufMessages(final String endpoint)
    {
        server = RpcServer.builder(conduit).endpoint(endpoint)
            .service(ProtoService.class, value -> Int64Value.of(value.getValue().length())).build();
        client = RpcClient.builder(conduit).endpoint(server.endpoint()).defaultDeadline(Duration.ofSeconds(10)).build();

        assertThat(client.proxy(ProtoService.class).length(StringValue.of("protobuf"))).isEqualTo(Int64Value.of(8));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldUseCodecsGivenToTheBuilders(final String endpoint)
    {
        final AtomicInteger serverEncodes = new AtomicInteger();
        final AtomicInteger clientEncodes = new AtomicInteger();
        server = RpcServer.builder(conduit).endpoint(endpoint).codec(new TagCodec(serverEncodes))
            .service(TagService.class, tag -> new Tag(tag.text + "!")).build();
        client = RpcClient.builder(conduit).endpoint(server.endpoint()).codec(new TagCodec(clientEncodes))
            .defaultDeadline(Duration.ofSeconds(10)).build();

        assertThat(client.proxy(TagService.class).shout(new Tag("hey")).text).isEqualTo("hey!");
        assertThat(clientEncodes.get()).as("the client's codec encoded the argument").isEqualTo(1);
        assertThat(serverEncodes.get()).as("the server's codec encoded the result").isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCancelStreamOnServer(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final CountDownLatch first = new CountDownLatch(1);
        proxy.count(1_000).subscribe(new Flow.Subscriber<>()
        {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(final Flow.Subscription s)
            {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(final Integer item)
            {
                first.countDown();
                subscription.cancel();
            }

            @Override
            public void onError(final Throwable error)
            {
            }

            @Override
            public void onComplete()
            {
            }
        });

        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(service.streamCancelled.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldCountCallsPerMethod(final String endpoint) throws ExecutionException, InterruptedException
    {
        final TestService proxy = start(endpoint);
        final List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            calls.add(proxy.greet("n" + i));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get();
        assertThatThrownBy(() -> proxy.fail("x")).isInstanceOf(RpcException.class);

        final MethodMetrics greet = server.metrics().method("test.Service", "greet");
        assertThat(greet.calls()).isEqualTo(20);
        assertThat(greet.errors()).isEmpty();
        assertThat(greet.latencyNs().getTotalCount()).isEqualTo(20);
        assertThat(server.metrics().method("test.Service", "fail").errors()).containsEntry(Status.INTERNAL, 1L);
        assertThat(client.metrics().method("test.Service", "greet").calls()).isEqualTo(20);
        assertThat(client.metrics().method("test.Service", "fail").errors()).containsEntry(Status.INTERNAL, 1L);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldFailCallsPromptlyWhenServerGoes(final String endpoint) throws Exception
    {
        final TestService proxy = start(endpoint);
        final CompletableFuture<String> call = proxy.waitForCancelAsync("x");
        assertThat(service.waiting.await(5, TimeUnit.SECONDS)).isTrue();
        final long startNs = System.nanoTime();

        server.close();

        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(RpcException.class)
            .satisfies(ex -> assertThat(((RpcException)ex.getCause()).status()).isEqualTo(Status.UNAVAILABLE));
        assertThat(System.nanoTime() - startNs).as("well before the 10 s deadline")
            .isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void shouldPassByteBuffersThrough(final String endpoint)
    {
        start(endpoint);
        final BufferService buffers = client.proxy(BufferService.class);
        server.close();
        server = RpcServer.builder(conduit).endpoint(endpoint)
            .service(BufferService.class, buffer -> ByteBuffer.wrap(new byte[] {(byte)buffer.remaining()})).build();
        client.close();
        client = RpcClient.builder(conduit).endpoint(server.endpoint()).build();

        final ByteBuffer reply = client.proxy(BufferService.class).length(ByteBuffer.wrap(new byte[42], 2, 5));

        assertThat(buffers).isNotNull();
        assertThat(reply.get(0)).isEqualTo((byte)5);
    }

    /** A service no server registers. */
    @RpcService(name = "test.Missing")
    public interface MissingService
    {
        String missing(String value);
    }

    /** A value no built-in codec knows: a plain class with a private field and no accessors. */
    public static final class Tag
    {
        private final String text;

        public Tag(final String text)
        {
            this.text = text;
        }
    }

    /** Tags as UTF-8, counting what it encodes. */
    static final class TagCodec implements Codec
    {
        private final AtomicInteger encodes;

        TagCodec(final AtomicInteger encodes)
        {
            this.encodes = encodes;
        }

        @Override
        public ValueCodec<?> codecFor(final java.lang.reflect.Type type)
        {
            if (type != Tag.class)
            {
                return null;
            }
            return new ValueCodec<Tag>()
            {
                @Override
                public byte[] encode(final Tag value)
                {
                    encodes.incrementAndGet();
                    return value.text.getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public Tag decode(final ByteBuffer buffer, final int offset, final int length)
                {
                    final byte[] bytes = new byte[length];
                    buffer.get(offset, bytes);
                    return new Tag(new String(bytes, StandardCharsets.UTF_8));
                }
            };
        }
    }

    /** A service over Protobuf messages. */
    @RpcService(name = "test.Proto")
    public interface ProtoService
    {
        Int64Value length(StringValue value);
    }

    /** A service over a type only an application codec knows. */
    @RpcService(name = "test.Tags")
    public interface TagService
    {
        Tag shout(Tag tag);
    }

    /** The test service's name with a method it does not have. */
    @RpcService(name = "test.Service")
    public interface UnknownMethodService
    {
        String nonexistent(String value);
    }

    /** The test service's name with a different argument type. */
    @RpcService(name = "test.Service")
    public interface MismatchedService
    {
        String roundTrip(String notAnOrder);
    }

    /** ByteBuffer in and out. */
    @RpcService(name = "test.Buffers")
    public interface BufferService
    {
        ByteBuffer length(ByteBuffer buffer);
    }
}
