package io.conduit.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.conduit.Conduit;
import io.conduit.Header;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;

/**
 * A stream over {@code shm:} in one JVM, one thread each: {@code offer} tries one message per op and
 * {@code poll} delivers up to 256 per op; the counters {@code offered}, {@code backPressured} and
 * {@code messages} give messages/s (an offer never spins inside an op, so neither thread can hang when the
 * other stops at the end of an iteration). The costs of
 * the claim/commit and read paths without a second process; compare with {@code conduit bench shm-throughput},
 * where the sides run in separate JVMs. Needs two free CPUs to mean anything.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShmStreamBenchmark
{
    private static final int STREAM_ID = 1;
    private static final int POLL_LIMIT = 256;

    /** Bytes per message. */
    @Param({"32", "256", "4096"})
    public int sizeBytes;

    private final MessageHandler handler = this::onMessage;
    private ByteBuffer message;
    private Conduit conduit;
    private Publication publication;
    private Subscription subscription;
    private long received;

    private void onMessage(final ByteBuffer buffer, final int offset, final int length, final Header header)
    {
        received += length;
    }

    /**
     * Open a log named for this process and trial, and wait until the publication is connected.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final String uri = "shm:jmh-stream-" + ProcessHandle.current().pid() + "-" + sizeBytes;
        message = ByteBuffer.allocateDirect(sizeBytes);
        conduit = Conduit.launch();
        subscription = conduit.addSubscription(uri + "?idle=busy-spin", STREAM_ID);
        publication = conduit.addPublication(uri, STREAM_ID);
        Connections.awaitConnected(publication, "uri=" + uri, Thread::onSpinWait);
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
     * Per-iteration counts of the offering thread, reported per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class OfferCounters
    {
        /** Messages published. */
        public long offered;
        /** Offers refused because the subscriber lagged a log's capacity behind. */
        public long backPressured;

        /**
         * Start an iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            offered = 0;
            backPressured = 0;
        }
    }

    /**
     * Per-iteration count of the polling thread, reported per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class PollCounters
    {
        /** Messages delivered. */
        public long messages;

        /**
         * Start an iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            messages = 0;
        }
    }

    /**
     * @param counters of this thread.
     * @return the position of the message, or the negative result of a refused offer.
     */
    @Benchmark
    @Group("stream")
    @GroupThreads(1)
    public long offer(final OfferCounters counters)
    {
        final long position = publication.offer(message, 0, sizeBytes);
        if (position > 0)
        {
            counters.offered++;
        }
        else if (position == Publication.BACK_PRESSURED)
        {
            counters.backPressured++;
            Thread.onSpinWait();
        }
        else
        {
            throw new IllegalStateException("offer failed: result=" + position);
        }
        return position;
    }

    /**
     * @param counters of this thread.
     * @return messages delivered by this poll.
     */
    @Benchmark
    @Group("stream")
    @GroupThreads(1)
    public int poll(final PollCounters counters)
    {
        final int delivered = subscription.poll(handler, POLL_LIMIT);
        counters.messages += delivered;
        return delivered;
    }
}
