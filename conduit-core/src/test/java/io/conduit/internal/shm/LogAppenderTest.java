package io.conduit.internal.shm;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Counters;
import io.conduit.Publication;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogAppenderTest
{
    private static final int CAPACITY = LogDescriptor.MIN_CAPACITY;
    private static final int LENGTH = 200;

    private final LogBuffer log = newLog();
    private final SlotTable slots = new SlotTable(log, 60_000);
    private final LogCleaner cleaner = new LogCleaner(log, 60_000);
    private final int subscriberSlot = slots.takeSubscriberSlot(7);
    private final LogReader reader =
        new LogReader(log, subscriberSlot, cleaner.join(subscriberSlot, 7, System.currentTimeMillis()), 1 << 20,
            new Counters(), "test");
    private final LogAppender appender =
        new LogAppender(log, cleaner, slots.takePublisherSlot(1), 1, 1, 1000);
    private final byte[] message = new byte[LENGTH];

    private static LogBuffer newLog()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY));
        LogBuffer.initialise(buffer, CAPACITY, 1, ProcessHandle.current().pid());
        return new LogBuffer(buffer);
    }

    @Test
    void shouldCleanForItselfWhenSubscribersReadWithoutCleaning()
    {
        final long sent = fill();
        // Read everything without cleaning behind, as a subscriber that lost the clean lock and then stopped polling.
        assertThat(reader.poll((buffer, offset, length, header) -> { }, Integer.MAX_VALUE)).isEqualTo((int)sent);

        // Refused while its last failed clean is recent (50 us); then it cleans what was read, and the offer goes.
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long result;
        while ((result = appender.append(null, message, 0, LENGTH, sent, 0)) == Publication.BACK_PRESSURED)
        {
            assertThat(System.nanoTime()).isLessThan(deadlineNs);
        }
        assertThat(result).isPositive();
    }

    @Test
    void shouldUseSpaceTheSubscriberCleanedAtOnce()
    {
        final long sent = fill();
        reader.poll((buffer, offset, length, header) -> { }, Integer.MAX_VALUE);
        final long cleanLimit = log.cleanLimitAcquire();

        cleaner.cleanBehind(reader.position());

        assertThat(log.cleanLimitAcquire()).isGreaterThan(cleanLimit);
        assertThat(appender.append(null, message, 0, LENGTH, sent, 0)).isPositive();
    }

    /**
     * @return messages appended before the first refusal.
     */
    private long fill()
    {
        long sequence = 0;
        long result;
        while ((result = appender.append(null, message, 0, LENGTH, sequence, 0)) > 0)
        {
            sequence++;
        }
        assertThat(result).isEqualTo(Publication.BACK_PRESSURED);
        assertThat(sequence).isGreaterThan(CAPACITY / 2 / LENGTH);
        return sequence;
    }
}
