package io.conduit.internal.tcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;
import io.conduit.test.Frames;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.alignedLength;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link TcpFrameDecoder} in a Netty {@link EmbeddedChannel}: arbitrary bytes in arbitrary chunks, with
 * the sink pausing the decoder now and then. The decoder must never throw, must close (through its sink) on the
 * first bad frame, must never buffer more than the longest frame plus one read, and must deliver exactly the
 * frames an independent reference parser finds before the first bad one. The poller's own reader
 * ({@link PolledFrameReader}, {@code ?delivery=poller}) gets the same bytes from a fake socket and must do the same,
 * buffering at most two frames, and must report a stream that ends inside a frame.
 * <p>
 * Under {@code ./mvnw verify} the fuzz test replays its seeds in {@code TcpFrameDecoderFuzzTestInputs}; set
 * {@code JAZZER_FUZZ=1} to fuzz. A deterministic test mutates valid streams as a fast complement.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpFrameDecoderFuzzTest
{
    private static final int MAX_FRAME_LENGTH = 1024;
    private static final int MAX_CHUNK = 2 * MAX_FRAME_LENGTH;

    @FuzzTest(maxDuration = "30s")
    void fuzzDecoder(final FuzzedDataProvider data)
    {
        final long chunkSeed = data.consumeLong();
        final int pauseEvery = data.consumeInt(0, 7);
        final byte[] stream = data.consumeRemainingAsBytes();
        checkDecoder(stream, new Random(chunkSeed), pauseEvery);
    }

    @FuzzTest(maxDuration = "30s")
    void fuzzPolledReader(final FuzzedDataProvider data)
    {
        final long chunkSeed = data.consumeLong();
        final int refuseEvery = data.consumeInt(0, 7);
        final byte[] stream = data.consumeRemainingAsBytes();
        checkPolledReader(stream, new Random(chunkSeed), refuseEvery);
    }

    @Test
    void shouldReadMutatedValidStreamsOnThePollerLikeTheReferenceParser()
    {
        final Random random = new Random(20_26);
        for (int run = 0; run < 3_000; run++)
        {
            final byte[] stream = mutatedValidStream(random, run % 4);
            // Every seventh cut short: the peer closed inside a frame.
            checkPolledReader(run % 7 == 0 ? Arrays.copyOf(stream, random.nextInt(stream.length)) : stream,
                new Random(run), run % 5);
        }
    }

    @Test
    void shouldDecodeMutatedValidStreamsLikeTheReferenceParser()
    {
        final Random random = new Random(20_24);
        for (int run = 0; run < 3_000; run++)
        {
            checkDecoder(mutatedValidStream(random, run % 4), new Random(run), run % 5);
        }
    }

    @Test
    void shouldDeliverEveryFrameOfValidStreamWhateverTheChunking()
    {
        final Random random = new Random(7);
        for (int run = 0; run < 500; run++)
        {
            final byte[] stream = validStream(random);
            final Reference reference = Reference.parse(stream);
            assertThat(reference.error).isFalse();
            assertThat(checkDecoder(stream, new Random(run), run % 3)).isEqualTo(reference.frames.size());
        }
    }

    @Test
    void shouldFailOnAbsurdLengthWithoutWaitingForIt()
    {
        final byte[] header = Frames.frame(0x7fffffff, FrameDescriptor.CURRENT_VERSION, FrameDescriptor.TYPE_DATA,
            FrameDescriptor.UNFRAGMENTED, 1, 1, 0, new byte[0]);
        final RecordingSink sink = new RecordingSink(0);
        final TcpFrameDecoder decoder = new TcpFrameDecoder(sink, MAX_FRAME_LENGTH);
        final EmbeddedChannel channel = new EmbeddedChannel(decoder);
        sink.channel = channel;

        channel.writeInbound(Unpooled.wrappedBuffer(header));
        channel.runPendingTasks();

        assertThat(sink.errors).containsExactly(ErrorCode.MALFORMED_FRAME);
        assertThat(channel.isOpen()).isFalse();
        assertThat(decoder.bufferedBytes()).isZero();
    }

    /**
     * Feed a stream in random chunks and check the decoder against {@link Reference}.
     *
     * @return the number of frames delivered.
     */
    private static int checkDecoder(final byte[] stream, final Random chunks, final int pauseEvery)
    {
        final Reference reference = Reference.parse(stream);
        final RecordingSink sink = new RecordingSink(pauseEvery);
        final TcpFrameDecoder decoder = new TcpFrameDecoder(sink, MAX_FRAME_LENGTH);
        final EmbeddedChannel channel = new EmbeddedChannel(decoder);
        sink.channel = channel;
        try
        {
            int offset = 0;
            while (offset < stream.length && channel.isOpen())
            {
                final int chunk = Math.min(stream.length - offset, 1 + chunks.nextInt(MAX_CHUNK));
                channel.writeInbound(Unpooled.wrappedBuffer(stream, offset, chunk));
                offset += chunk;
                int resumes = 0;
                while (decoder.isPaused())
                {
                    assertThat(resumes++).as("each resume delivers at least one frame")
                        .isLessThanOrEqualTo(stream.length / HEADER_LENGTH);
                    decoder.resume();
                }
                channel.runPendingTasks();
                assertThat(decoder.bufferedBytes()).as("buffered after a read of %d bytes", chunk)
                    .isLessThanOrEqualTo(alignedLength(MAX_FRAME_LENGTH) + chunk);
                if (sink.errors.isEmpty())
                {
                    assertThat(decoder.bufferedBytes()).isLessThan(alignedLength(MAX_FRAME_LENGTH));
                }
            }
            channel.runPendingTasks();

            assertThat(sink.errors).hasSize(reference.error ? 1 : 0);
            assertThat(channel.isOpen()).isEqualTo(!reference.error);
            assertThat(sink.frames).hasSameSizeAs(reference.frames);
            for (int i = 0; i < reference.frames.size(); i++)
            {
                assertThat(sink.frames.get(i)).as("frame %d", i).isEqualTo(reference.frames.get(i));
            }
            return sink.frames.size();
        }
        finally
        {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Hand a stream to a {@link PolledFrameReader} through a fake socket that returns random chunks, sometimes
     * nothing, then the end of the stream, with the first bytes given as if read by the event loop before the
     * hand-over; check it against {@link Reference}.
     */
    private static void checkPolledReader(final byte[] stream, final Random chunks, final int refuseEvery)
    {
        final Reference reference = Reference.parse(stream);
        final FakeOwner owner = new FakeOwner(refuseEvery);
        final int leftover = chunks.nextInt(Math.min(stream.length, alignedLength(MAX_FRAME_LENGTH) - 1) + 1);
        final int[] offset = {leftover};
        final PolledFrameReader.Source socket = destination ->
        {
            if (offset[0] == stream.length)
            {
                return -1;
            }
            if (chunks.nextInt(4) == 0)
            {
                return 0;
            }
            final int read = Math.min(Math.min(stream.length - offset[0], 1 + chunks.nextInt(MAX_CHUNK)),
                destination.remaining());
            destination.put(stream, offset[0], read);
            offset[0] += read;
            return read;
        };
        final ByteBuf handedOver = Unpooled.wrappedBuffer(stream, 0, leftover);
        final PolledFrameReader reader = new PolledFrameReader(owner, socket, MAX_FRAME_LENGTH, handedOver);
        handedOver.release();

        final int maxPulls = 8 * (stream.length + 16);
        int pulls = 0;
        while (!owner.isClosing())
        {
            assertThat(pulls++).as("pulls until the stream ends").isLessThan(maxPulls);
            reader.pull();
            assertThat(reader.bufferedBytes()).isLessThanOrEqualTo(2 * alignedLength(MAX_FRAME_LENGTH));
            if (owner.errors.isEmpty() && !reader.isBlocked())
            {
                assertThat(reader.bufferedBytes()).isLessThan(alignedLength(MAX_FRAME_LENGTH));
            }
        }
        final boolean truncated = !reference.error && reference.consumed < stream.length;
        assertThat(owner.errors).hasSize(reference.error || truncated ? 1 : 0);
        assertThat(owner.closed).isEqualTo(!reference.error && !truncated);
        assertThat(owner.frames).hasSameSizeAs(reference.frames);
        for (int i = 0; i < reference.frames.size(); i++)
        {
            assertThat(owner.frames.get(i)).as("frame %d", i).isEqualTo(reference.frames.get(i));
        }
        assertThat(reader.pull()).as("nothing read once finished").isZero();
    }

    private static byte[] mutatedValidStream(final Random random, final int mutations)
    {
        final byte[] stream = validStream(random);
        for (int m = 0; m < mutations; m++)
        {
            stream[random.nextInt(stream.length)] = (byte)random.nextInt(256);
        }
        return stream;
    }

    private static byte[] validStream(final Random random)
    {
        final int frameCount = 1 + random.nextInt(8);
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < frameCount; i++)
        {
            final int type = random.nextInt(FrameDescriptor.MAX_TYPE + 1);
            final byte[] payload = new byte[random.nextInt(MAX_FRAME_LENGTH - HEADER_LENGTH + 1)];
            random.nextBytes(payload);
            frames.add(Frames.frame(type, FrameDescriptor.UNFRAGMENTED, random.nextInt(), random.nextInt(),
                random.nextLong(), payload));
        }
        return Frames.concat(frames.toArray(byte[][]::new));
    }

    /**
     * Records frames, pauses the decoder on every n-th frame once, and closes the channel on a protocol error
     * from the event loop, as {@link TcpConnection} does.
     */
    private static final class RecordingSink implements TcpFrameDecoder.FrameSink
    {
        private final FrameRecorder recorder;
        private final List<byte[]> frames;
        private final List<ErrorCode> errors = new ArrayList<>();
        private EmbeddedChannel channel;

        RecordingSink(final int pauseEvery)
        {
            this.recorder = new FrameRecorder(pauseEvery);
            this.frames = recorder.frames;
        }

        @Override
        public boolean onFrame(final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            assertThat(errors).as("no frame after a protocol error").isEmpty();
            return recorder.offer(buffer, index, frameLength, type);
        }

        @Override
        public void onProtocolError(final ErrorCode code, final String detail)
        {
            assertThat(detail).isNotBlank();
            errors.add(code);
            channel.eventLoop().execute(channel::close);
        }
    }

    /**
     * The connection side of a {@link PolledFrameReader}: records frames, refuses every n-th frame once (the
     * subscription full), and records a protocol error or a close.
     */
    private static final class FakeOwner implements PolledFrameReader.Owner
    {
        private final FrameRecorder recorder;
        private final List<byte[]> frames;
        private final List<ErrorCode> errors = new ArrayList<>();
        private boolean closed;

        FakeOwner(final int refuseEvery)
        {
            this.recorder = new FrameRecorder(refuseEvery);
            this.frames = recorder.frames;
        }

        @Override
        public boolean onFrame(final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            assertThat(isClosing()).as("no frame after a protocol error or close").isFalse();
            return recorder.offer(buffer, index, frameLength, type);
        }

        @Override
        public void protocolErrorFromAnyThread(final ErrorCode code, final String detail)
        {
            assertThat(detail).isNotBlank();
            errors.add(code);
        }

        @Override
        public void readByPoller(final long nowNs)
        {
        }

        @Override
        public boolean isClosing()
        {
            return closed || !errors.isEmpty();
        }

        @Override
        public void close()
        {
            closed = true;
        }

        @Override
        public java.net.SocketAddress peer()
        {
            return null;
        }
    }

    /**
     * Checks and copies each frame handed over, refusing every n-th once, as a subscription with a full ring
     * would, so that the same frame is offered again.
     */
    private static final class FrameRecorder
    {
        private final int refuseEvery;
        private final List<byte[]> frames = new ArrayList<>();
        private int offers;
        private boolean refused;

        FrameRecorder(final int refuseEvery)
        {
            this.refuseEvery = refuseEvery;
        }

        boolean offer(final ByteBuf buffer, final int index, final int frameLength, final int type)
        {
            assertThat(frameLength).isBetween(HEADER_LENGTH, MAX_FRAME_LENGTH);
            assertThat(buffer.getUnsignedByte(index + FrameDescriptor.VERSION_OFFSET))
                .isEqualTo((short)FrameDescriptor.CURRENT_VERSION);
            assertThat(FrameDescriptor.isKnownType(type)).isTrue();
            assertThat(buffer.getUnsignedShortLE(index + FrameDescriptor.TYPE_OFFSET)).isEqualTo(type);
            if (refuseEvery > 0 && ++offers % refuseEvery == 0 && !refused)
            {
                refused = true;
                return false;
            }
            refused = false;
            final byte[] frame = new byte[frameLength];
            buffer.getBytes(index, frame);
            frames.add(frame);
            return true;
        }
    }

    /**
     * An independent reading of the wire format: the frames before the first bad one, and whether there was one.
     */
    private static final class Reference
    {
        private final List<byte[]> frames = new ArrayList<>();
        private boolean error;
        private int consumed;

        static Reference parse(final byte[] stream)
        {
            final Reference reference = new Reference();
            final ByteBuffer buffer = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
            int position = 0;
            while (stream.length - position > FrameDescriptor.VERSION_OFFSET)
            {
                final int length = buffer.getInt(position);
                final int version = buffer.get(position + FrameDescriptor.VERSION_OFFSET) & 0xFF;
                if (length < HEADER_LENGTH || length > MAX_FRAME_LENGTH ||
                    version != FrameDescriptor.CURRENT_VERSION)
                {
                    reference.error = true;
                    break;
                }
                final int aligned = alignedLength(length);
                if (stream.length - position < aligned)
                {
                    break;
                }
                final int type = buffer.getShort(position + FrameDescriptor.TYPE_OFFSET) & 0xFFFF;
                if (type > FrameDescriptor.MAX_TYPE)
                {
                    reference.error = true;
                    break;
                }
                reference.frames.add(Arrays.copyOfRange(stream, position, position + length));
                position += aligned;
            }
            reference.consumed = position;
            return reference;
        }
    }
}
