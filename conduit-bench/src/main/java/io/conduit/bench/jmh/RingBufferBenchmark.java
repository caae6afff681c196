package io.conduit.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.ManyToOneRingBuffer;

/**
 * One frame through {@link ManyToOneRingBuffer} on one thread: claim, write header and payload length, commit,
 * read. Uncontended: it measures the path's instructions and allocation, not cross-core traffic (which a
 * 2-core shared machine cannot measure well). Run with {@code -prof gc} to see 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBufferBenchmark
{
    private static final int FRAME_LENGTH = FrameDescriptor.HEADER_LENGTH + 64;

    private final ManyToOneRingBuffer ring = ManyToOneRingBuffer.allocate(64 * 1024);
    private final ManyToOneRingBuffer.FrameHandler handler = this::onFrame;
    private long sequence;
    private long lastSequence;

    private int onFrame(final ByteBuffer buffer, final int index, final int frameLength)
    {
        lastSequence = FrameDescriptor.sequence(buffer, index);
        return 1;
    }

    /**
     * @return the sequence read back.
     */
    @Benchmark
    public long claimCommitRead()
    {
        final int index = ring.tryClaim(FRAME_LENGTH);
        FrameDescriptor.writeHeader(ring.buffer(), index, FrameDescriptor.UNFRAGMENTED, FrameDescriptor.TYPE_DATA,
            7, 42, sequence++, 0);
        ring.commit(index, FRAME_LENGTH);
        // A read stops at the end of the ring, after the padding of a wrap: the frame is then read next time.
        if (ring.read(handler, 1) == 0)
        {
            ring.read(handler, 1);
        }
        return lastSequence;
    }
}
