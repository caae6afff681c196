package io.conduit.internal.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.Publication;
import io.conduit.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ?delivery=inline}: a TCP subscription's handler runs on the transport's I/O thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpInlineDeliveryTest
{
    private final Conduit conduit = Conduit.launch();

    @AfterEach
    void close()
    {
        conduit.close();
    }

    @Test
    void shouldDeliverEveryMessageInOrderOnTheIoThreadIncludingFragmentedOnes()
    {
        final int count = 20_000;
        final int largeEvery = 5_000;
        final int largeLength = 200_000;
        final AtomicLong next = new AtomicLong();
        final List<String> failures = new ArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=inline", 1,
            (buffer, offset, length, header) ->
            {
                threads.add(Thread.currentThread().getName());
                final long expected = next.get();
                final long sequence = buffer.getLong(offset);
                final int expectedLength = expected % largeEvery == 0 ? largeLength : 64;
                if (sequence != expected || length != expectedLength || header.sequence() != expected)
                {
                    synchronized (failures)
                    {
                        failures.add("expected=" + expected + ", sequence=" + sequence + ", length=" + length);
                    }
                }
                next.incrementAndGet();
            });
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 1);
        awaitTrue(pub::isConnected);

        final ByteBuffer large = ByteBuffer.allocate(largeLength);
        final ByteBuffer small = ByteBuffer.allocate(64);
        int sent = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sent < count && System.nanoTime() < deadline)
        {
            final ByteBuffer message = sent % largeEvery == 0 ? large : small;
            message.putLong(0, sent);
            if (pub.offer(message, 0, message.capacity()) > 0)
            {
                sent++;
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        awaitTrue(() -> next.get() == count);
        assertThat(failures).isEmpty();
        assertThat(threads).allMatch(name -> name.startsWith("conduit-tcp"));
        assertThat(sub.counters().get(Counter.MESSAGES_RECEIVED)).isEqualTo(count);
    }

    @Test
    void shouldCountAHandlerFailureAndDeliverTheRest()
    {
        final AtomicLong delivered = new AtomicLong();
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=inline", 1,
            (buffer, offset, length, header) ->
            {
                delivered.incrementAndGet();
                if (buffer.getLong(offset) == 3)
                {
                    throw new IllegalStateException("handler failure injected by test");
                }
            });
        final Publication pub = conduit.addPublication(sub.endpoint().address(), 1);
        awaitTrue(pub::isConnected);
        final ByteBuffer message = ByteBuffer.allocate(16);
        for (long i = 0; i < 10; i++)
        {
            message.putLong(0, i);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pub.offer(message, 0, 16) < 0)
            {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
        awaitTrue(() -> delivered.get() == 10);
        assertThat(sub.counters().get(Counter.ERRORS)).isEqualTo(1);
    }

    @Test
    void shouldRefuseToPollAnInlineSubscription()
    {
        final Subscription sub = conduit.addSubscription("tcp://127.0.0.1:0?delivery=inline", 1,
            (buffer, offset, length, header) ->
            {
            });
        assertThatThrownBy(() -> sub.poll((buffer, offset, length, header) ->
        {
        }, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseInlineDeliveryWithoutAHandlerAndUnknownDeliveries()
    {
        assertThatThrownBy(() -> conduit.addSubscription("tcp://127.0.0.1:0?delivery=inline", 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("addSubscription(uri, streamId, handler)");
        assertThatThrownBy(() -> conduit.addSubscription("tcp://127.0.0.1:0?delivery=sometimes", 1,
            (buffer, offset, length, header) ->
            {
            }))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown delivery: delivery=sometimes");
        assertThatThrownBy(() -> conduit.addSubscription("shm:inline-test?delivery=inline", 1,
            (buffer, offset, length, header) ->
            {
            }))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown option: option=delivery");
    }

    private static void awaitTrue(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
