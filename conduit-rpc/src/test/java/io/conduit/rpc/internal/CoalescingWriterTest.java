package io.conduit.rpc.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class CoalescingWriterTest
{
    private final Recording out = new Recording();
    private final AtomicInteger failures = new AtomicInteger();

    @Test
    void deferredFramesLeaveTogetherInOneWriteOnFlush()
    {
        final CoalescingWriter writer = new CoalescingWriter(out, 1024, failures::incrementAndGet);

        writer.deferUntilFlush();
        assertThat(writer.write(bytes(1, 2), 0, 2)).isTrue();
        assertThat(writer.write(bytes(3), 0, 1)).isTrue();
        assertThat(out.writes).isEmpty();

        assertThat(writer.flush()).isTrue();
        assertThat(out.writes).containsExactly(List.of(1, 2, 3));
        assertThat(writer.flush()).as("nothing left").isTrue();
        assertThat(out.writes).hasSize(1);

        assertThat(writer.write(bytes(4), 0, 1)).as("no longer deferring").isTrue();
        assertThat(out.writes).containsExactly(List.of(1, 2, 3), List.of(4));
    }

    @Test
    void onlyTheDeferringThreadsFramesWait() throws Exception
    {
        final CoalescingWriter writer = new CoalescingWriter(out, 1024, failures::incrementAndGet);
        writer.deferUntilFlush();
        assertThat(writer.write(bytes(1), 0, 1)).isTrue();

        final Thread other = new Thread(() -> writer.write(bytes(2), 0, 1));
        other.start();
        other.join(5_000);
        // The other thread's frame left at once; as the writer, it took what was waiting along with it.
        assertThat(out.writes).first().isEqualTo(List.of(2));

        assertThat(writer.flush()).isTrue();
        assertThat(out.writes.stream().flatMap(List::stream)).containsExactly(2, 1);
    }

    @Test
    void framesSentDuringAWriteAreWrittenByTheWriterNextAndNobodyWaits() throws Exception
    {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        out.blockFirstWrite(writing, release);
        final CoalescingWriter writer = new CoalescingWriter(out, 1024, failures::incrementAndGet);
        final Thread first = new Thread(() -> writer.write(bytes(1), 0, 1));
        first.start();
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(writer.isStuck(System.nanoTime(), 0)).as("a write in progress").isTrue();
        assertThat(writer.write(bytes(2), 0, 1)).isTrue();
        assertThat(writer.write(bytes(3), 0, 1)).isTrue();
        release.countDown();
        first.join(5_000);

        assertThat(out.writes).containsExactly(List.of(1), List.of(2, 3));
        assertThat(writer.writingSinceNs()).isZero();
    }

    @Test
    void refusesFramesBeyondThePendingLimit()
    {
        final CoalescingWriter writer = new CoalescingWriter(out, 4, failures::incrementAndGet);

        writer.deferUntilFlush();
        assertThat(writer.write(bytes(1, 2, 3), 0, 3)).isTrue();
        assertThat(writer.write(bytes(4, 5), 0, 2)).isFalse();
        writer.flush();

        assertThat(out.writes).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void aFailedWriteReportsOnceAndDropsWhatWaited()
    {
        out.failWrites = true;
        final CoalescingWriter writer = new CoalescingWriter(out, 1024, failures::incrementAndGet);
        writer.deferUntilFlush();
        writer.write(bytes(1), 0, 1);

        assertThat(writer.flush()).isFalse();
        assertThat(failures.get()).isEqualTo(1);

        out.failWrites = false;
        assertThat(writer.flush()).as("nothing left to write").isTrue();
        assertThat(out.writes).isEmpty();
    }

    private static ByteBuffer bytes(final int... values)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(values.length);
        for (final int value : values)
        {
            buffer.put((byte)value);
        }
        return buffer;
    }

    /**
     * Records each write call's bytes.
     */
    private static final class Recording extends OutputStream
    {
        private final List<List<Integer>> writes = new ArrayList<>();
        private volatile boolean failWrites;
        private CountDownLatch writing;
        private CountDownLatch release;

        void blockFirstWrite(final CountDownLatch writing, final CountDownLatch release)
        {
            this.writing = writing;
            this.release = release;
        }

        @Override
        public void write(final int b)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) throws IOException
        {
            if (failWrites)
            {
                throw new IOException("broken pipe");
            }
            final ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.write(b, off, len);
            final List<Integer> values = new ArrayList<>();
            for (final byte value : copy.toByteArray())
            {
                values.add((int)value);
            }
            writes.add(values);
            if (writing != null)
            {
                final CountDownLatch blocked = release;
                writing.countDown();
                writing = null;
                try
                {
                    blocked.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
