package io.conduit.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Counter;
import io.conduit.Counters;

import static io.conduit.internal.FrameDescriptor.BEGIN_FLAG;
import static io.conduit.internal.FrameDescriptor.END_FLAG;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MessageAssemblerTest
{
    private static final int SESSION = 7;
    private static final byte MIDDLE = 0;

    private final Counters counters = new Counters();
    private final MessageAssembler assembler = new MessageAssembler(1_000, counters);

    @Test
    void shouldReassembleFragmentsInOrder()
    {
        assertThat(assembler.onFragment(SESSION, 3, BEGIN_FLAG, bytes(0, 400), 0, 400)).isEqualTo(-1);
        assertThat(assembler.hasInProgress()).isTrue();
        assertThat(assembler.onFragment(SESSION, 3, MIDDLE, bytes(400, 400), 0, 400)).isEqualTo(-1);
        final int length = assembler.onFragment(SESSION, 3, END_FLAG, bytes(800, 200), 0, 200);

        assertThat(length).isEqualTo(1_000);
        assertThat(assembler.hasInProgress()).isFalse();
        final ByteBuffer message = assembler.completedBuffer();
        for (int i = 0; i < 1_000; i++)
        {
            assertThat(message.get(i)).isEqualTo((byte)i);
        }
        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isZero();
    }

    @Test
    void shouldKeepSessionsApart()
    {
        assembler.onFragment(1, 0, BEGIN_FLAG, bytes(0, 10), 0, 10);
        assembler.onFragment(2, 0, BEGIN_FLAG, bytes(100, 10), 0, 10);

        assertThat(assembler.onFragment(1, 0, END_FLAG, bytes(10, 10), 0, 10)).isEqualTo(20);
        assertThat(assembler.completedBuffer().get(19)).isEqualTo((byte)19);
        assertThat(assembler.onFragment(2, 0, END_FLAG, bytes(110, 5), 0, 5)).isEqualTo(15);
        assertThat(assembler.completedBuffer().get(14)).isEqualTo((byte)114);
        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isZero();
    }

    @Test
    void shouldCountMessageAbandonedByNewBegin()
    {
        assembler.onFragment(SESSION, 0, BEGIN_FLAG, bytes(0, 10), 0, 10);
        assembler.onFragment(SESSION, 1, BEGIN_FLAG, bytes(0, 10), 0, 10);

        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isEqualTo(1);
        assertThat(assembler.onFragment(SESSION, 1, END_FLAG, bytes(10, 1), 0, 1)).isEqualTo(11);
    }

    @Test
    void shouldCountFragmentWithoutBegin()
    {
        assertThat(assembler.onFragment(SESSION, 5, END_FLAG, bytes(0, 10), 0, 10)).isEqualTo(-1);

        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isEqualTo(1);
        assertThat(assembler.hasInProgress()).isFalse();
    }

    @Test
    void shouldCountFragmentOfAnotherSequenceAndAbandonMessageInProgress()
    {
        assembler.onFragment(SESSION, 5, BEGIN_FLAG, bytes(0, 10), 0, 10);
        assembler.onFragment(SESSION, 6, END_FLAG, bytes(0, 10), 0, 10);

        assertThat(assembler.hasInProgress()).isFalse();
        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldCountMessageLeftIncompleteWhenSessionEnds()
    {
        assembler.onFragment(SESSION, 0, BEGIN_FLAG, bytes(0, 10), 0, 10);
        assembler.discard(SESSION);
        assembler.discard(SESSION);

        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isEqualTo(1);
        assertThat(assembler.hasInProgress()).isFalse();
    }

    @Test
    void shouldNotCountSessionEndAfterCompleteMessage()
    {
        assembler.onFragment(SESSION, 0, BEGIN_FLAG, bytes(0, 10), 0, 10);
        assembler.onFragment(SESSION, 0, END_FLAG, bytes(0, 10), 0, 10);
        assembler.discard(SESSION);

        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isZero();
    }

    @Test
    void shouldDropMessageLongerThanMaxAsProtocolErrorAndRecover()
    {
        assembler.onFragment(SESSION, 0, BEGIN_FLAG, bytes(0, 600), 0, 600);
        assertThat(assembler.onFragment(SESSION, 0, MIDDLE, bytes(0, 600), 0, 600)).isEqualTo(-1);

        assertThat(counters.get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
        assertThat(assembler.hasInProgress()).isFalse();
        assertThat(assembler.onFragment(SESSION, 1, (byte)(BEGIN_FLAG | END_FLAG), bytes(0, 5), 0, 5))
            .isEqualTo(5);
    }

    @Test
    void shouldCountOneDroppedMessageOnceHoweverManyFragmentsFollow()
    {
        assembler.onFragment(SESSION, 0, BEGIN_FLAG, bytes(0, 600), 0, 600);
        assembler.onFragment(SESSION, 0, MIDDLE, bytes(0, 600), 0, 600);
        assembler.onFragment(SESSION, 0, MIDDLE, bytes(0, 600), 0, 600);
        assembler.onFragment(SESSION, 0, MIDDLE, bytes(0, 600), 0, 600);
        assembler.onFragment(SESSION, 0, END_FLAG, bytes(0, 600), 0, 600);

        assertThat(counters.get(Counter.PROTOCOL_ERRORS) + counters.get(Counter.INCOMPLETE_MESSAGES))
            .as("one oversized message is one error, not one per trailing fragment: %s", counters)
            .isEqualTo(1);
    }

    private static ByteBuffer bytes(final int first, final int length)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++)
        {
            buffer.put(i, (byte)(first + i));
        }
        return buffer;
    }
}
