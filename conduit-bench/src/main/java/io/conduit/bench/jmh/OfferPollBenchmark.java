package io.conduit.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.conduit.Conduit;
import io.conduit.Header;
import io.conduit.IdleStrategy;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.YieldingIdleStrategy;

/**
 * Messages through the public API, in one JVM: {@code offerThenPoll} offers one message then polls until it
 * arrives; {@code offerBatchThenPoll} offers {@value #BATCH} then polls them all, as a stream's two sides do, and
 * reports the time per message. Both over {@code inproc}, over {@code tcp} on loopback (whose op includes Netty's I/O
 * threads) and over {@code shm} (a mapped log under /dev/shm, named for this process). Run with
 * {@code -prof gc}: the steady state allocates nothing, on any thread. Netty's leak detector is off, as in Netty's
 * own micro-benchmarks: at its default level it samples one buffer in 128 and records a stack trace for it, which
 * was the only allocation left on the TCP path (about 10 B/op, found with async-profiler's allocation mode).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class OfferPollBenchmark
{
    private static final int STREAM_ID = 1;
    private static final int BATCH = 64;
    private static final int POLL_LIMIT = 256;

    /** Transport: {@code inproc}, {@code tcp} or {@code shm}. */
    @Param({"inproc", "tcp", "shm"})
    public String transport;

    /** Bytes per message. */
    @Param({"32", "256"})
    public int sizeBytes;

    private ByteBuffer message;
    private final IdleStrategy idle = new YieldingIdleStrategy();
    private final MessageHandler handler = this::onMessage;
    private Conduit conduit;
    private Publication publication;
    private Subscription subscription;
    private long received;

    private void onMessage(final ByteBuffer buffer, final int offset, final int length, final Header header)
    {
        received += length;
    }

    /**
     * Open the endpoint and wait until the publication is connected.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        message = ByteBuffer.allocateDirect(sizeBytes);
        conduit = Conduit.launch(new Conduit.Context().idleStrategy(YieldingIdleStrategy.NAME));
        if ("tcp".equals(transport))
        {
            subscription = conduit.addSubscription("tcp://127.0.0.1:0", STREAM_ID);
            publication = conduit.addPublication("tcp://127.0.0.1:" + subscription.endpoint().port(), STREAM_ID);
        }
        else if ("shm".equals(transport))
        {
            final String uri = "shm:jmh-offer-poll-" + ProcessHandle.current().pid();
            subscription = conduit.addSubscription(uri, STREAM_ID);
            publication = conduit.addPublication(uri, STREAM_ID);
        }
        else
        {
            subscription = conduit.addSubscription("inproc:jmh-offer-poll", STREAM_ID);
            publication = conduit.addPublication("inproc:jmh-offer-poll", STREAM_ID);
        }
        Connections.awaitConnected(publication, "transport=" + transport, idle::idle);
    }

    /**
     * Close everything.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        conduit.close();
    }

    /**
     * @return bytes received so far.
     */
    @Benchmark
    public long offerThenPoll()
    {
        while (publication.offer(message, 0, message.capacity()) < 0)
        {
            idle.idle();
        }
        idle.reset();
        while (subscription.poll(handler, 1) == 0)
        {
            idle.idle();
        }
        idle.reset();
        return received;
    }

    /**
     * @return bytes received so far.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long offerBatchThenPoll()
    {
        for (int i = 0; i < BATCH; i++)
        {
            while (publication.offer(message, 0, message.capacity()) < 0)
            {
                idle.idle();
            }
            idle.reset();
        }
        final long expected = received + (long)BATCH * message.capacity();
        while (received < expected)
        {
            if (subscription.poll(handler, POLL_LIMIT) == 0)
            {
                idle.idle();
            }
        }
        idle.reset();
        return received;
    }
}
