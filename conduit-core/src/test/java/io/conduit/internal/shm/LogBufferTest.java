package io.conduit.internal.shm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.ConduitException;
import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LogBuffer reads and writes without per-access bounds checks, so what it accepts, and what the reader checks
 * before LogBuffer reads a frame, is what keeps a bad buffer or a corrupt log from reading or writing outside it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogBufferTest
{
    private static final int CAPACITY = LogDescriptor.MIN_CAPACITY;

    private static ByteBuffer newLogMemory()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY) + 8);
        LogBuffer.initialise(buffer, CAPACITY, 1, ProcessHandle.current().pid());
        return buffer;
    }

    @Test
    void shouldRejectBuffersItCannotAccessSafely()
    {
        final ByteBuffer memory = newLogMemory();
        assertThatThrownBy(() -> new LogBuffer(memory.asReadOnlyBuffer()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> new LogBuffer(memory.duplicate().limit(LogDescriptor.dataOffset()).slice()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit its buffer");
        assertThatThrownBy(() -> new LogBuffer(memory.duplicate().position(1).slice()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 8-byte aligned");
        final ByteBuffer heap = ByteBuffer.allocate(memory.capacity());
        assertThatThrownBy(() -> new LogBuffer(heap))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a direct buffer");
        assertThat(new LogBuffer(memory).capacity()).isEqualTo(CAPACITY);
    }

    @Test
    void shouldCopyMessagesFromEveryKindOfSource()
    {
        final LogBuffer log = new LogBuffer(newLogMemory());
        final SlotTable slots = new SlotTable(log, 60_000);
        final LogCleaner cleaner = new LogCleaner(log, 60_000);
        final int subscriberSlot = slots.takeSubscriberSlot(7);
        final LogReader reader = new LogReader(log, subscriberSlot,
            cleaner.join(subscriberSlot, 7, System.currentTimeMillis()), 1 << 20, new Counters(), "test");
        final LogAppender appender = new LogAppender(log, cleaner, slots.takePublisherSlot(1), 1, 1, 1000);

        final byte[] bytes = {9, 1, 2, 3, 4, 9};
        final ByteBuffer direct = ByteBuffer.allocateDirect(6).put(bytes).flip();
        assertThat(appender.append(null, bytes, 1, 4, 0, 0)).isPositive();
        assertThat(appender.append(ByteBuffer.wrap(bytes), null, 1, 4, 1, 0)).isPositive();
        assertThat(appender.append(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), null, 1, 4, 2, 0)).isPositive();
        assertThat(appender.append(direct, null, 1, 4, 3, 0)).isPositive();
        assertThat(appender.append(direct.duplicate().position(1).slice(), null, 0, 4, 4, 77L)).isPositive();

        final List<String> received = new ArrayList<>();
        assertThat(reader.poll((buffer, offset, length, header) ->
        {
            final byte[] payload = new byte[length];
            buffer.get(offset, payload);
            received.add(header.sequence() + ":" + java.util.Arrays.toString(payload) + "@" + header.timestampNs());
        }, 10)).isEqualTo(5);
        assertThat(received).containsExactly(
            "0:[1, 2, 3, 4]@0", "1:[1, 2, 3, 4]@0", "2:[1, 2, 3, 4]@0", "3:[1, 2, 3, 4]@0", "4:[1, 2, 3, 4]@77");
    }

    @Test
    void shouldReportAFrameLengthThatRunsPastTheRingWithoutReadingPastIt()
    {
        for (final int badLength : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 6, CAPACITY + 8, -32, 31})
        {
            final LogBuffer log = new LogBuffer(newLogMemory());
            final SlotTable slots = new SlotTable(log, 60_000);
            final LogCleaner cleaner = new LogCleaner(log, 60_000);
            final int subscriberSlot = slots.takeSubscriberSlot(7);
            final Counters counters = new Counters();
            final LogReader reader = new LogReader(log, subscriberSlot,
                cleaner.join(subscriberSlot, 7, System.currentTimeMillis()), 1 << 20, counters, "test");

            log.writeFrameHeader(log.indexOf(0), (byte)0xC0, 1, 1, 1, 0);
            log.frameLengthRelease(log.indexOf(0), badLength);

            assertThatThrownBy(() -> reader.poll((buffer, offset, length, header) -> { }, 10))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_LOG))
                .hasMessageContaining("frameLength=" + badLength);
            assertThat(counters.get(Counter.PROTOCOL_ERRORS)).isEqualTo(1);
            assertThat(reader.position()).isZero();
        }
    }
}
