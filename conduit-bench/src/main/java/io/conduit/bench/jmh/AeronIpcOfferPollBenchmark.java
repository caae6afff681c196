package io.conduit.bench.jmh;

import java.nio.file.Path;
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

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Aeron's side of {@link OfferPollBenchmark} with {@code transport=shm}: one message offered on {@code aeron:ipc}
 * then polled until it arrives, on one thread, with an embedded media driver ({@link ThreadingMode#SHARED}) in a
 * directory under /dev/shm named for this process and deleted afterwards. One thread, no second process: the
 * per-message cost of offer and poll side by side with Conduit's, little disturbed by a busy machine. Runs with
 * the flags Aeron needs on Java 17 and its benchmark flag {@code -Dagrona.disable.bounds.checks=true}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dagrona.disable.bounds.checks=true"})
public class AeronIpcOfferPollBenchmark
{
    private static final int STREAM_ID = 1;
    private static final int BATCH = 64;
    private static final int POLL_LIMIT = 256;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Bytes per message. */
    @Param({"32", "256"})
    public int sizeBytes;

    private final FragmentHandler handler = this::onFragment;
    private UnsafeBuffer message;
    private MediaDriver driver;
    private Aeron aeron;
    private Publication publication;
    private Subscription subscription;
    private long received;

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        received += length;
    }

    /**
     * Launch the driver, connect, and wait until the publication is connected.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final Path dir = Path.of("/dev/shm", "conduit-jmh-aeron-" + ProcessHandle.current().pid());
        message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(sizeBytes, 64));
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        subscription = aeron.addSubscription("aeron:ipc", STREAM_ID);
        publication = aeron.addPublication("aeron:ipc", STREAM_ID);
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("aeron not connected in time: dir=" + dir);
            }
            Thread.yield();
        }
    }

    /**
     * Close the client and the driver, which deletes its directory.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        aeron.close();
        driver.close();
    }

    /**
     * @return bytes received so far.
     */
    @Benchmark
    public long offerThenPoll()
    {
        while (publication.offer(message, 0, sizeBytes) < 0)
        {
            Thread.onSpinWait();
        }
        while (subscription.poll(handler, 1) == 0)
        {
            Thread.onSpinWait();
        }
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
            while (publication.offer(message, 0, sizeBytes) < 0)
            {
                Thread.onSpinWait();
            }
        }
        final long expected = received + (long)BATCH * sizeBytes;
        while (received < expected)
        {
            if (subscription.poll(handler, POLL_LIMIT) == 0)
            {
                Thread.onSpinWait();
            }
        }
        return received;
    }
}
