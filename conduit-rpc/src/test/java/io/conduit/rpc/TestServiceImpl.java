package io.conduit.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A working implementation of {@link TestService} that records what it saw.
 */
public final class TestServiceImpl implements TestService
{
    final String name;
    final boolean hangs;
    final AtomicInteger hanging = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger unavailableAttempts = new AtomicInteger();
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch cancelSeen = new CountDownLatch(1);
    final AtomicLong timeRemainingAtStartNs = new AtomicLong();
    final AtomicLong maxItemsRequested = new AtomicLong();
    final CountDownLatch streamCancelled = new CountDownLatch(1);

    public TestServiceImpl(final String name)
    {
        this(name, true);
    }

    /**
     * @param name  returned by some methods.
     * @param hangs false to answer {@link #waitForCancelAsync} at once instead of holding it until cancelled.
     */
    public TestServiceImpl(final String name, final boolean hangs)
    {
        this.name = name;
        this.hangs = hangs;
    }

    @Override
    public Order roundTrip(final Order order)
    {
        calls.incrementAndGet();
        return order;
    }

    @Override
    public CompletableFuture<String> greet(final String name)
    {
        calls.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> "hello " + name + " from " + this.name);
    }

    @Override
    public void nothing()
    {
        calls.incrementAndGet();
    }

    @Override
    public int sum(final List<Integer> values)
    {
        calls.incrementAndGet();
        return values.stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String fail(final String message)
    {
        throw new IllegalStateException(message);
    }

    @Override
    public String notFound(final String key)
    {
        throw new RpcException(Status.NOT_FOUND, "no such key: key=" + key);
    }

    @Override
    public String waitForCancel(final String tag)
    {
        final CallContext context = CallContext.current();
        timeRemainingAtStartNs.set(context.timeRemainingNs());
        context.onCancel(cancelSeen::countDown);
        waiting.countDown();
        final long giveUpNs = System.nanoTime() + 20_000_000_000L;
        while (!context.isCancelled() && System.nanoTime() < giveUpNs)
        {
            Thread.onSpinWait();
            Thread.yield();
        }
        return "not cancelled " + tag;
    }

    @Override
    public CompletableFuture<String> waitForCancelAsync(final String tag)
    {
        if (!hangs)
        {
            return CompletableFuture.completedFuture("answered " + tag);
        }
        final CallContext context = CallContext.current();
        final CompletableFuture<String> result = new CompletableFuture<>();
        context.onCancel(cancelSeen::countDown);
        hanging.incrementAndGet();
        waiting.countDown();
        return result;
    }

    @Override
    public String unavailable(final String tag)
    {
        unavailableAttempts.incrementAndGet();
        throw new RpcException(Status.UNAVAILABLE, "busy: server=" + name);
    }

    @Override
    public String unavailableNotIdempotent(final String tag)
    {
        unavailableAttempts.incrementAndGet();
        throw new RpcException(Status.UNAVAILABLE, "busy: server=" + name);
    }

    @Override
    public String whoAmI()
    {
        calls.incrementAndGet();
        final CallContext context = CallContext.current();
        return name + "|" + context.peerIdentity() + "|" + context.metadata().getOrDefault("user", "-");
    }

    @Override
    public Flow.Publisher<Integer> count(final int n)
    {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription()
        {
            private final AtomicBoolean done = new AtomicBoolean();
            private long demand;
            private int next;

            @Override
            public synchronized void request(final long requested)
            {
                demand += requested;
                maxItemsRequested.accumulateAndGet(demand, Math::max);
                while (demand > 0 && next < n && !done.get())
                {
                    demand--;
                    subscriber.onNext(next++);
                }
                if (next == n && done.compareAndSet(false, true))
                {
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel()
            {
                done.set(true);
                streamCancelled.countDown();
            }
        });
    }
}
