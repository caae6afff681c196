package io.conduit.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.conduit.internal.FrameDescriptor;

/**
 * Cost of writing and reading a frame header with {@link FrameDescriptor} on a little-endian direct buffer, as
 * every transport does per frame. Run with {@code -prof gc} to see 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark
{
    private static final int PAYLOAD_LENGTH = 64;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private long sequence;

    /**
     * Put one valid frame in the buffer for the read benchmark.
     */
    @Setup
    public void setUp()
    {
        writeHeader();
    }

    /**
     * @return the frame length written.
     */
    @Benchmark
    public int writeHeader()
    {
        final int frameLength = FrameDescriptor.HEADER_LENGTH + PAYLOAD_LENGTH;
        FrameDescriptor.writeHeader(buffer, 0, FrameDescriptor.UNFRAGMENTED, FrameDescriptor.TYPE_DATA, 7, 42,
            sequence++, 0);
        buffer.putInt(FrameDescriptor.LENGTH_OFFSET, frameLength);
        return frameLength;
    }

    /**
     * @return a sum of every header field, so that none is optimised away.
     */
    @Benchmark
    public long readHeader()
    {
        final int frameLength = buffer.getInt(FrameDescriptor.LENGTH_OFFSET);
        final int type = FrameDescriptor.type(buffer, 0);
        final byte flags = FrameDescriptor.flags(buffer, 0);
        return frameLength + (FrameDescriptor.isKnownType(type) ? type : -1) + flags +
            FrameDescriptor.streamId(buffer, 0) + FrameDescriptor.sessionId(buffer, 0) +
            FrameDescriptor.sequence(buffer, 0) + FrameDescriptor.timestampNs(buffer, 0) +
            FrameDescriptor.alignedLength(frameLength);
    }
}
