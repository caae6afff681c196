package io.conduit.internal.shm;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.Counters;
import io.conduit.MessageHandler;
import io.conduit.Publication;

/**
 * Runs the append, read and clean paths of a log over a private in-memory log whose ring wraps every few dozen
 * messages, with spells of back-pressure, once per JVM, before the first shared-memory endpoint is used.
 * <p>
 * Why: the JIT compiles only the branches it has seen taken. A real ring wraps rarely (a 16 MiB ring of 256-byte
 * messages at 10,000 a second: every 6 s), so the code compiled for appending and reading has no path for the pad
 * frame that fills the end of the ring. The first wrap then throws that code away and recompiles it while the
 * process runs; with a polling thread spinning on the same CPU as the compiler, that stalled a ping-pong for 15 to
 * 27 ms. The first time a publisher catches up with the space cleaned for it is as rare, and as costly. After this
 * warm-up the branch profiles hold wraps, back-pressure and fragmented messages, so the first compiled code already
 * handles them. It takes about 0.1 s, once, at the first {@code shm:} endpoint a process opens.
 * <p>
 * It also runs the conductor's stuck-read check (see {@link StuckReadWatch}) through each of its outcomes. The
 * conductor compiles its pass by running it many times at start (see {@code ShmTransport}), but then the
 * subscriber is never behind a claim in progress; the first time it is, later, the compiled pass was thrown away
 * and the conductor ran interpreted again, at about 120 µs a pass.
 */
final class ShmWarmUp
{
    private static final Logger LOG = LoggerFactory.getLogger(ShmWarmUp.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final int CAPACITY = LogDescriptor.MIN_CAPACITY;
    private static final int STREAM_ID = 0;
    private static final int MAX_PAYLOAD = 1024;
    /** Sizes cycled through: small, medium, and fragmented (more than {@link #MAX_PAYLOAD}). */
    private static final int[] SIZES = {32, 256, 1000, 3000, 64, 700};
    /** Appends to make at least: enough for the JIT to profile these paths before it compiles them. */
    private static final int MIN_MESSAGES = 10_000;
    /** Time to run at least, so that profiling code compiled on another thread has begun to count. */
    private static final long MIN_NS = 30_000_000L;
    /** Time to run at most, whatever the machine. */
    private static final long MAX_NS = 300_000_000L;

    private ShmWarmUp()
    {
    }

    /**
     * Warm up once per JVM; later calls return at once.
     */
    static void ensureDone()
    {
        if (!DONE.get() && DONE.compareAndSet(false, true))
        {
            try
            {
                run();
            }
            catch (final RuntimeException ex)
            {
                // Only speed is at stake: never let the warm-up cost a user their endpoint.
                LOG.warn("shared-memory warm-up failed; carrying on without it", ex);
            }
        }
    }

    /**
     * @return the positions read, so that a caller can see how many times the ring wrapped.
     */
    static long run()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY));
        LogBuffer.initialise(memory, CAPACITY, STREAM_ID, ProcessLiveness.currentPid());
        final LogBuffer log = new LogBuffer(memory);
        final LogCleaner cleaner = new LogCleaner(log, Long.MAX_VALUE / 2);
        final int subscriberSlot = LogDescriptor.subscriberSlotOffset(0);
        final long start = cleaner.join(subscriberSlot, 0, System.currentTimeMillis());
        final LogReader reader = new LogReader(log, subscriberSlot, start, 16 * 1024, new Counters(), "warm-up");
        final LogAppender appender =
            new LogAppender(log, cleaner, LogDescriptor.publisherSlotOffset(0), STREAM_ID, 1, MAX_PAYLOAD);
        final byte[] message = new byte[SIZES[3]];
        final long[] received = new long[1];
        final MessageHandler handler = (buffer, offset, length, header) -> received[0] += length;
        final long startNs = System.nanoTime();
        long sequence = 0;
        long nextClean = 0;
        long elapsedNs = 0;
        long iterations = 0;
        while (elapsedNs < MAX_NS && (sequence < MIN_MESSAGES || elapsedNs < MIN_NS))
        {
            final long result = appender.append(
                null, message, 0, SIZES[(int)(sequence % SIZES.length)], sequence, (sequence & 1) * sequence);
            if (result > 0)
            {
                sequence++;
            }
            else if (result != Publication.BACK_PRESSURED)
            {
                throw new IllegalStateException("warm-up append refused: result=" + result);
            }
            // Read for a while, then stop for a while, so that the appender also fills the ring and meets
            // back-pressure, and cleans for itself when the reader resumes.
            if ((iterations & 0x200) == 0)
            {
                reader.poll(handler, 4);
                if (reader.position() >= nextClean)
                {
                    nextClean = cleaner.cleanBehind(reader.position());
                }
            }
            if ((++iterations & 0xFF) == 0)
            {
                elapsedNs = System.nanoTime() - startNs;
            }
        }
        warmStuckReadWatch();
        return reader.position();
    }

    /**
     * Check a log holding a claim that nobody commits followed by a committed frame, with the subscriber at the
     * claim (stuck; still stuck; stuck past the timeout, with no live publisher slot, so nothing is unblocked), at
     * the committed frame, and at the tail, in turn.
     */
    private static void warmStuckReadWatch()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect((int)LogBuffer.fileLength(CAPACITY));
        LogBuffer.initialise(memory, CAPACITY, STREAM_ID, ProcessLiveness.currentPid());
        final LogBuffer log = new LogBuffer(memory);
        final int frameLength = 64;
        log.compareAndExchangeTail(0, 2 * frameLength);
        log.writePad(log.indexOf(frameLength), frameLength, STREAM_ID, 1);
        final int subscriberSlot = LogDescriptor.subscriberSlotOffset(0);
        final long timeoutMs = 1_000;
        final StuckReadWatch watch = new StuckReadWatch(
            log, subscriberSlot, new LogUnblocker(log, new SlotTable(log, timeoutMs), "warm-up"));
        final long[] positions = {0, 0, 0, frameLength, 2 * frameLength};
        for (int i = 0; i < MIN_MESSAGES; i++)
        {
            final int step = i % positions.length;
            log.longRelease(subscriberSlot + LogDescriptor.SLOT_POSITION_OFFSET, positions[step]);
            watch.check(step == 2 ? i + timeoutMs : i, timeoutMs);
        }
    }
}
