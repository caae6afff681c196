package io.conduit.internal.shm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Counter;
import io.conduit.Counters;
import io.conduit.internal.FrameDescriptor;

import static io.conduit.internal.shm.LogDescriptor.SLOT_CLAIM_LENGTH_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PID_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_POSITION_OFFSET;
import static io.conduit.internal.shm.LogDescriptor.SLOT_PROCESS_START_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogUnblockerTest
{
    private static final int CAPACITY = LogDescriptor.MIN_CAPACITY;
    private static long deadPid;

    private final LogBuffer log = newLog();
    private final SlotTable slots = new SlotTable(log, 60_000);
    private final LogCleaner cleaner = new LogCleaner(log, 60_000);
    private final LogUnblocker unblocker = new LogUnblocker(log, slots, "test");
    private final Counters counters = new Counters();
    private final int subscriberSlot = slots.takeSubscriberSlot(7);
    private final LogReader reader =
        new LogReader(log, subscriberSlot, cleaner.join(subscriberSlot, 7, System.currentTimeMillis()), 1 << 20,
            counters, "test");
    private final List<Long> received = new ArrayList<>();

    @BeforeAll
    static void findADeadProcess() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        process.waitFor();
        deadPid = process.pid();
    }

    private static LogBuffer newLog()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY));
        LogBuffer.initialise(buffer, CAPACITY, 1, ProcessHandle.current().pid());
        return new LogBuffer(buffer);
    }

    private LogAppender appender(final long owner)
    {
        final int slot = slots.takePublisherSlot(owner);
        return new LogAppender(log, cleaner, slot, 1, (int)owner, 1000);
    }

    /** A publisher that claimed {@code length} bytes at the tail and died before writing anything. */
    private long claimAndDie(final int length)
    {
        final int slot = slots.takePublisherSlot(99);
        final long tail = log.tailVolatile();
        log.longRelease(slot + SLOT_POSITION_OFFSET, tail);
        log.longRelease(slot + SLOT_CLAIM_LENGTH_OFFSET, length);
        assertThat(log.compareAndExchangeTail(tail, tail + length)).isEqualTo(tail);
        log.longRelease(slot + SLOT_PID_OFFSET, deadPid);
        log.longRelease(slot + SLOT_PROCESS_START_OFFSET, 0);
        return tail;
    }

    private void send(final LogAppender appender, final long value, final int length)
    {
        final byte[] message = new byte[length];
        ByteBuffer.wrap(message).putLong(0, value);
        assertThat(appender.append(null, message, 0, length, value, 0)).isPositive();
    }

    private int poll()
    {
        return reader.poll((buffer, offset, length, header) -> received.add(buffer.getLong(offset)), 100);
    }

    @Test
    void shouldPadTheClaimOfADeadPublisherAcrossTheEndOfTheRing()
    {
        final LogAppender live = appender(1);
        for (int i = 0; i < 60; i++)
        {
            send(live, i, 1000);
            poll();
        }
        // The tail sits 2,560 bytes before the end; the dead claim wraps (pad, then its message at the start).
        final long stuck = claimAndDie(CAPACITY - (int)(log.tailVolatile() % CAPACITY) + 2048);
        send(live, 60, 1000);
        assertThat(poll()).isZero();

        assertThat(unblocker.tryUnblock(stuck)).isTrue();

        assertThat(poll()).isEqualTo(1);
        assertThat(received).hasSize(61).endsWith(60L);
        assertThat(log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET)).isEqualTo(1);
        assertThat(log.longAcquire(LogDescriptor.PADDED_BYTES_OFFSET))
            .isEqualTo(CAPACITY - stuck % CAPACITY + 2048);
    }

    @Test
    void shouldDropThePartOfAMessageADeadPublisherCommitted()
    {
        final LogAppender live = appender(1);
        final long stuck = claimAndDie(3 * 1056);
        // It committed its first fragment (of three) and died.
        final int index = log.indexOf(stuck);
        FrameDescriptor.writeHeader(log.buffer(), index,
            FrameDescriptor.BEGIN_FLAG, FrameDescriptor.TYPE_DATA, 1, 99, 0,
            0);
        log.frameLengthRelease(index, 1032);
        send(live, 5, 100);
        assertThat(poll()).isZero();

        assertThat(unblocker.tryUnblock(stuck + 1056)).isTrue();

        assertThat(poll()).isEqualTo(1);
        assertThat(received).containsExactly(5L);
        assertThat(counters.get(Counter.INCOMPLETE_MESSAGES)).isEqualTo(1);
    }

    @Test
    void shouldUnblockOnlyOnceTheSubscriberHasWaitedTheTimeoutAtTheSameClaim()
    {
        final LogAppender live = appender(1);
        final StuckReadWatch watch = new StuckReadWatch(log, subscriberSlot, unblocker);
        final long timeoutMs = 1_000;
        send(live, 1, 100);
        claimAndDie(128);
        send(live, 2, 100);
        assertThat(poll()).isEqualTo(1);

        watch.check(5_000, timeoutMs);
        watch.check(5_000 + timeoutMs - 1, timeoutMs);
        assertThat(poll()).isZero();
        assertThat(log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET)).isZero();

        watch.check(5_000 + timeoutMs, timeoutMs);
        assertThat(poll()).isEqualTo(1);
        assertThat(received).containsExactly(1L, 2L);
        assertThat(log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET)).isEqualTo(1);
    }

    @Test
    void shouldTimeTheWaitFromWhenTheClaimBlocksNotFromWhenTheSubscriberReachedTheTail()
    {
        final LogAppender live = appender(1);
        final StuckReadWatch watch = new StuckReadWatch(log, subscriberSlot, unblocker);
        final long timeoutMs = 1_000;
        watch.check(0, timeoutMs);
        claimAndDie(128);
        send(live, 2, 100);

        watch.check(timeoutMs, timeoutMs);
        assertThat(poll()).isZero();
        assertThat(log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET)).isZero();

        watch.check(2 * timeoutMs, timeoutMs);
        assertThat(poll()).isEqualTo(1);
        assertThat(received).containsExactly(2L);
    }

    @Test
    void shouldWaitForAPublisherThatIsAliveButSlow()
    {
        final int slot = slots.takePublisherSlot(42);
        final long tail = log.tailVolatile();
        log.longRelease(slot + SLOT_POSITION_OFFSET, tail);
        log.longRelease(slot + SLOT_CLAIM_LENGTH_OFFSET, 64);
        assertThat(log.compareAndExchangeTail(tail, tail + 64)).isEqualTo(tail);

        assertThat(unblocker.tryUnblock(tail)).isFalse();
        assertThat(log.longAcquire(LogDescriptor.PADDED_GAPS_OFFSET)).isZero();
    }

    @Test
    void shouldPadItsOwnClaimWhenWritingAMessageFails()
    {
        final LogAppender live = appender(1);
        final ByteBuffer tooShort = ByteBuffer.allocate(10);
        assertThatThrownBy(() -> live.append(tooShort, null, 0, 100, 0, 0))
            .isInstanceOf(IndexOutOfBoundsException.class);

        send(live, 9, 100);

        assertThat(poll()).isEqualTo(1);
        assertThat(received).containsExactly(9L);
    }
}
