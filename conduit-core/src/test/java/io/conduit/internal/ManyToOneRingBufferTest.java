package io.conduit.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.UNFRAGMENTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManyToOneRingBufferTest
{
    private static final int CAPACITY = 1024;

    private final ManyToOneRingBuffer ring = ManyToOneRingBuffer.allocate(CAPACITY);
    private final List<int[]> frames = new ArrayList<>();
    private final ManyToOneRingBuffer.FrameHandler recorder = (buffer, index, frameLength) ->
    {
        frames.add(new int[]{index, frameLength, (int)FrameDescriptor.sequence(buffer, index)});
        return 1;
    };

    @Test
    void shouldRejectCapacityThatIsNotAPowerOfTwoOfAtLeast1024()
    {
        assertThatIllegalArgumentException().isThrownBy(() -> ManyToOneRingBuffer.allocate(1000));
        assertThatIllegalArgumentException().isThrownBy(() -> ManyToOneRingBuffer.allocate(512));
        assertThat(ring.capacity()).isEqualTo(CAPACITY);
        assertThat(ring.maxFrameLength()).isEqualTo(CAPACITY / 8);
    }

    @Test
    void shouldRejectClaimsShorterThanHeaderOrLongerThanMaxFrame()
    {
        assertThatIllegalArgumentException().isThrownBy(() -> ring.tryClaim(HEADER_LENGTH - 1))
            .withMessageContaining("frameLength=31");
        assertThatIllegalArgumentException().isThrownBy(() -> ring.tryClaim(ring.maxFrameLength() + 1))
            .withMessageContaining("maxFrameLength=128");
    }

    @Test
    void shouldReadCommittedFrameWithItsContents()
    {
        final int index = write(HEADER_LENGTH + 5, 42);

        assertThat(ring.size()).isEqualTo(40);
        assertThat(ring.read(recorder, 10)).isEqualTo(1);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0)).containsExactly(index, HEADER_LENGTH + 5, 42);
        assertThat(ring.size()).isZero();
        assertThat(ring.read(recorder, 10)).isZero();
    }

    @Test
    void shouldNotReadPastAClaimThatIsNotCommitted()
    {
        final int first = ring.tryClaim(HEADER_LENGTH);
        final int second = ring.tryClaim(HEADER_LENGTH);
        fill(second, HEADER_LENGTH, 2);
        ring.commit(second, HEADER_LENGTH);

        assertThat(ring.read(recorder, 10)).isZero();

        fill(first, HEADER_LENGTH, 1);
        ring.commit(first, HEADER_LENGTH);

        assertThat(ring.read(recorder, 10)).isEqualTo(2);
        assertThat(frames).extracting(f -> f[2]).containsExactly(1, 2);
    }

    @Test
    void shouldStopAtMessageLimit()
    {
        for (int i = 0; i < 5; i++)
        {
            write(HEADER_LENGTH, i);
        }

        assertThat(ring.read(recorder, 2)).isEqualTo(2);
        assertThat(ring.read(recorder, 10)).isEqualTo(3);
        assertThat(frames).extracting(f -> f[2]).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldRefuseClaimsWhenFullAndAcceptAgainOnceRead()
    {
        int claimed = 0;
        while (ring.tryClaim(ring.maxFrameLength()) >= 0)
        {
            claimed++;
        }
        assertThat(claimed).isEqualTo(8);
        assertThat(ring.tryClaim(HEADER_LENGTH)).as("a full ring refuses even the smallest claim").isEqualTo(-1);
        assertThat(ring.size()).isEqualTo(CAPACITY);
    }

    @Test
    void shouldAcceptClaimAgainOnceReaderFreesSpace()
    {
        for (int i = 0; i < 8; i++)
        {
            write(ring.maxFrameLength(), i);
        }
        assertThat(ring.tryClaim(HEADER_LENGTH)).isEqualTo(-1);

        assertThat(ring.read(recorder, 1)).isEqualTo(1);

        assertThat(ring.tryClaim(ring.maxFrameLength())).isEqualTo(0);
    }

    @Test
    void shouldPadToEndAndWrapWhenClaimCrossesEnd()
    {
        for (int i = 0; i < 10; i++)
        {
            write(96, i);
        }
        assertThat(ring.read(recorder, 100)).isEqualTo(10);
        frames.clear();

        final int wrapped = write(100, 77);

        assertThat(wrapped).as("a claim that does not fit before the end starts at 0").isZero();
        assertThat(ring.size()).as("64 bytes of padding plus the aligned frame").isEqualTo(64 + 104);
        int read = 0;
        for (int i = 0; i < 3 && frames.isEmpty(); i++)
        {
            read += ring.read(recorder, 100);
        }
        assertThat(read).as("padding is not counted as a frame").isEqualTo(1);
        assertThat(frames.get(0)).containsExactly(0, 100, 77);
        assertThat(ring.size()).isZero();
    }

    @Test
    void shouldRefuseWrapWhenPaddingAndFrameDoNotFitTogether()
    {
        for (int i = 0; i < 10; i++)
        {
            write(96, i);
        }

        assertThat(ring.tryClaim(96)).as("64 bytes to the end plus 96 at 0 exceed the 64 free").isEqualTo(-1);
        assertThat(ring.tryClaim(64)).as("a claim that fits before the end needs no padding").isEqualTo(960);
    }

    @Test
    void shouldZeroWhatItConsumed()
    {
        for (int i = 0; i < 4; i++)
        {
            write(ring.maxFrameLength(), i + 1);
        }

        ring.read(recorder, 100);

        final ByteBuffer buffer = ring.buffer();
        for (int i = 0; i < 4 * ring.maxFrameLength(); i++)
        {
            assertThat(buffer.get(i)).as("byte %d", i).isZero();
        }
    }

    @Test
    void shouldConsumeFrameWhoseHandlerThrows()
    {
        write(HEADER_LENGTH, 1);
        write(HEADER_LENGTH, 2);

        assertThatThrownBy(() -> ring.read((buffer, index, length) ->
        {
            throw new IllegalStateException("handler failure injected by test");
        }, 10)).isInstanceOf(IllegalStateException.class);

        assertThat(ring.read(recorder, 10)).isEqualTo(1);
        assertThat(frames.get(0)[2]).isEqualTo(2);
    }

    private int write(final int frameLength, final long sequence)
    {
        final int index = ring.tryClaim(frameLength);
        assertThat(index).as("claim of %d bytes", frameLength).isNotNegative();
        fill(index, frameLength, sequence);
        ring.commit(index, frameLength);
        return index;
    }

    private void fill(final int index, final int frameLength, final long sequence)
    {
        FrameDescriptor.writeHeader(ring.buffer(), index, UNFRAGMENTED, TYPE_DATA, 1, 1, sequence, 0);
        for (int i = HEADER_LENGTH; i < frameLength; i++)
        {
            ring.buffer().put(index + i, (byte)0x5A);
        }
    }
}
