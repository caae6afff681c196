package io.conduit.internal.shm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.ErrorCode;
import io.conduit.internal.FrameDescriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Frames through a log as the appender writes them and the reader reads them: payloads of several lengths from
 * every kind of source, and frame lengths a corrupt log could hold.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogFrameTest
{
    private static final int CAPACITY = LogDescriptor.MIN_CAPACITY;

    private static ByteBuffer newLogMemory()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY) + 8);
        LogBuffer.initialise(buffer, CAPACITY, 1, ProcessHandle.current().pid());
        return buffer;
    }

    /**
     * A subscriber of {@code log} that has joined it, reading from the start.
     */
    private static LogReader newReader(final LogBuffer log, final LogCleaner cleaner, final Counters counters)
    {
        final int subscriberSlot = new SlotTable(log, 60_000).takeSubscriberSlot(7);
        return new LogReader(log, subscriberSlot, cleaner.join(subscriberSlot, 7, System.currentTimeMillis()),
            1 << 20, counters, "test");
    }

    @Test
    void shouldCopyMessagesFromEveryKindOfSource()
    {
        final LogBuffer log = new LogBuffer(newLogMemory());
        final LogCleaner cleaner = new LogCleaner(log, 60_000);
        final LogReader reader = newReader(log, cleaner, new Counters());
        final LogAppender appender =
            new LogAppender(log, cleaner, new SlotTable(log, 60_000).takePublisherSlot(1), 1, 1, 1000);

        for (final int length : new int[] {0, 1, 7, 8, 13, 64, 65, 300})
        {
            final byte[] bytes = new byte[length + 2];
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = (byte)(i * 31 + length);
            }
            final byte[] expected = Arrays.copyOfRange(bytes, 1, 1 + length);
            final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            final ByteBuffer bigEndianSlice = direct.duplicate().position(1).slice().order(ByteOrder.BIG_ENDIAN);
            assertThat(appender.append(null, bytes, 1, length, 0, 0)).isPositive();
            assertThat(appender.append(ByteBuffer.wrap(bytes), null, 1, length, 1, 0)).isPositive();
            assertThat(appender.append(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), null, 1, length, 2, 0)).isPositive();
            assertThat(appender.append(direct, null, 1, length, 3, 0)).isPositive();
            assertThat(appender.append(bigEndianSlice, null, 0, length, 4, 77L)).isPositive();

            final List<String> received = new ArrayList<>();
            assertThat(reader.poll((buffer, offset, messageLength, header) ->
            {
                final byte[] payload = new byte[messageLength];
                buffer.get(offset, payload);
                assertThat(payload).as("length %d, sequence %d", length, header.sequence()).isEqualTo(expected);
                received.add(header.sequence() + "@" + header.timestampNs());
            }, 10)).isEqualTo(5);
            assertThat(received).containsExactly("0@0", "1@0", "2@0", "3@0", "4@77");
            cleaner.cleanBehind(reader.position());
        }
    }

    @Test
    void shouldReportAFrameLengthThatRunsPastTheRingWithoutReadingPastIt()
    {
        for (final int badLength : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 6, CAPACITY + 8, -32, 31})
        {
            final LogBuffer log = new LogBuffer(newLogMemory());
            final Counters counters = new Counters();
            final LogReader reader = newReader(log, new LogCleaner(log, 60_000), counters);

            FrameDescriptor.writeHeader(log.buffer(), log.indexOf(0), (byte)0xC0, FrameDescriptor.TYPE_DATA, 1, 1, 0, 0);
            log.frameLengthRelease(log.indexOf(0), badLength);

            assertThatThrownBy(() -> reader.poll((buffer, offset, length, header) -> { }, 10))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_LOG))
                .hasMessageContaining("frameLength=" + badLength);
            assertThat(counters.get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
            assertThat(reader.position()).isZero();
        }
    }

    @Test
    void shouldReadLengthFlagsAndTypeFromAFramesFirstWord()
    {
        final LogBuffer log = new LogBuffer(newLogMemory());
        final int index = log.indexOf(0);
        FrameDescriptor.writeHeader(log.buffer(), index, FrameDescriptor.END_FLAG, FrameDescriptor.TYPE_SESSION_END,
            1, 2, 3, 4);
        log.frameLengthRelease(index, 45);

        final long head = log.frameHeadAcquire(index);

        assertThat(LogBuffer.frameLength(head)).isEqualTo(45);
        assertThat(LogBuffer.frameFlags(head)).isEqualTo(FrameDescriptor.flags(log.buffer(), index));
        assertThat(LogBuffer.frameType(head)).isEqualTo(FrameDescriptor.TYPE_SESSION_END);
    }

    @Test
    void shouldReportAFrameOfAnUnknownTypeAsCorrupt()
    {
        final LogBuffer log = new LogBuffer(newLogMemory());
        final Counters counters = new Counters();
        final LogReader reader = newReader(log, new LogCleaner(log, 60_000), counters);
        FrameDescriptor.writeHeader(log.buffer(), log.indexOf(0), FrameDescriptor.UNFRAGMENTED, 0x7FFF, 1, 1, 0, 0);
        log.frameLengthRelease(log.indexOf(0), 40);

        assertThatThrownBy(() -> reader.poll((buffer, offset, length, header) -> { }, 10))
            .isInstanceOfSatisfying(ConduitException.class,
                ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_LOG))
            .hasMessageContaining("frameLength=40");
        assertThat(counters.get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
        assertThat(reader.position()).isZero();
    }
}
