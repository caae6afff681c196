package io.conduit.bench.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The floor over shared memory: two processes and one memory-mapped file (0600, {@link ShmFiles}), plain
 * {@link VarHandle} acquire/release on it and busy-spinning, with no framing, no liveness and one producer.
 * <p>
 * Ping-pong: the pinger copies its message into the ping slot and release-stores a count; the ponger spins on
 * that count with acquire loads, copies the message into the pong slot and release-stores the count back.
 * <pre>
 *   0                 128                256                  256 + slot
 *   | ping count (8)  | pong count (8)    | ping message ...   | pong message ... |
 * </pre>
 * Throughput: a single-producer single-consumer ring of fixed-size slots. The producer copies each message into
 * the next slot and release-stores its count of messages written (the tail); the consumer acquire-loads the
 * tail, reads every message up to it and release-stores its count read (the head), which the producer reads
 * only when its cached head says the ring is full.
 * <pre>
 *   0                 128                256
 *   | head (8)        | tail (8)          | slot 0 | slot 1 | ... | slot n-1 |   (n a power of two)
 * </pre>
 * The responder creates the file and deletes it when done.
 */
final class RawShmSide implements Side
{
    /** Bytes of the ring's slots together, rounded down to a power-of-two count of slots. */
    static final int RING_BYTES = 2 * 1024 * 1024;
    private static final VarHandle LONGS =
        MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int FIRST_COUNTER_OFFSET = 0;
    private static final int SECOND_COUNTER_OFFSET = 128;
    private static final int DATA_OFFSET = 256;
    private static final int SLOT_ALIGNMENT = 128;
    private static final int STOP_CHECK_MASK = 0xFFFF;

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        final Path file = file(workload);
        final MappedByteBuffer shared = ShmFiles.open(file, lengthBytes(workload));
        if (workload.scenario().isLatency())
        {
            ping(workload, channel, shared);
        }
        else
        {
            produce(workload, channel, shared);
        }
        SideMain.awaitRelease(channel);
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        final Path file = file(workload);
        try
        {
            final MappedByteBuffer shared = ShmFiles.create(file, lengthBytes(workload));
            channel.announcePort(0);
            if (workload.scenario().isLatency())
            {
                pong(workload, channel, shared);
            }
            else
            {
                consume(workload, channel, shared);
            }
            SideMain.awaitRelease(channel);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private static Path file(final Workload workload)
    {
        return ShmFiles.path(workload.runName(), workload.scenario().isLatency() ? "raw-pingpong" : "raw-ring");
    }

    /**
     * @param workload of the run.
     * @return the length of the shared file.
     */
    static int lengthBytes(final Workload workload)
    {
        if (workload.scenario().isLatency())
        {
            return DATA_OFFSET + 2 * pingSlotBytes(workload.sizeBytes());
        }
        return DATA_OFFSET + slotCount(workload.sizeBytes()) * ringSlotBytes(workload.sizeBytes());
    }

    private static int pingSlotBytes(final int sizeBytes)
    {
        return align(sizeBytes, SLOT_ALIGNMENT);
    }

    /**
     * @param sizeBytes of a message.
     * @return bytes of one ring slot: the message aligned to 8 bytes, so that a sequence number is aligned.
     */
    static int ringSlotBytes(final int sizeBytes)
    {
        return align(sizeBytes, Long.BYTES);
    }

    /**
     * @param sizeBytes of a message.
     * @return slots in the ring: a power of two, at least 2, of at most {@link #RING_BYTES} together unless two
     * messages exceed that.
     */
    static int slotCount(final int sizeBytes)
    {
        return Math.max(2, Integer.highestOneBit(RING_BYTES / ringSlotBytes(sizeBytes)));
    }

    private static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    private static void ping(final Workload workload, final SideChannel channel, final ByteBuffer shared)
        throws Exception
    {
        final int sizeBytes = workload.sizeBytes();
        final int pingOffset = DATA_OFFSET;
        final int pongOffset = DATA_OFFSET + pingSlotBytes(sizeBytes);
        final ByteBuffer message = Messages.allocate(sizeBytes);
        final long[] count = new long[1];
        final PingClient client = new PingClient()
        {
            @Override
            public void ping(final long sequence)
            {
                message.putLong(0, sequence);
                shared.put(pingOffset, message, 0, sizeBytes);
                LONGS.setRelease(shared, FIRST_COUNTER_OFFSET, ++count[0]);
            }

            @Override
            public long awaitPong()
            {
                final long expected = count[0];
                int spins = 0;
                while ((long)LONGS.getAcquire(shared, SECOND_COUNTER_OFFSET) != expected)
                {
                    if ((++spins & STOP_CHECK_MASK) == 0 && channel.stopRequested())
                    {
                        throw new IllegalStateException("stopped while awaiting a pong: count=" + expected);
                    }
                    Thread.onSpinWait();
                }
                return Messages.sequence(shared, pongOffset);
            }
        };
        new PingerLoop(workload, client, Waiting.idleStrategy(workload.idle())).run(channel);
    }

    private static void pong(final Workload workload, final SideChannel channel, final ByteBuffer shared)
    {
        final int sizeBytes = workload.sizeBytes();
        final int pingOffset = DATA_OFFSET;
        final int pongOffset = DATA_OFFSET + pingSlotBytes(sizeBytes);
        long count = 0;
        long sequence;
        do
        {
            int spins = 0;
            while ((long)LONGS.getAcquire(shared, FIRST_COUNTER_OFFSET) == count)
            {
                if ((++spins & STOP_CHECK_MASK) == 0 && channel.stopRequested())
                {
                    return;
                }
                Thread.onSpinWait();
            }
            count++;
            shared.put(pongOffset, shared, pingOffset, sizeBytes);
            sequence = Messages.sequence(shared, pongOffset);
            LONGS.setRelease(shared, SECOND_COUNTER_OFFSET, count);
        }
        while (sequence != Workload.END_SEQUENCE);
    }

    private static void produce(final Workload workload, final SideChannel channel, final ByteBuffer shared)
    {
        final int sizeBytes = workload.sizeBytes();
        final int slotBytes = ringSlotBytes(sizeBytes);
        final long mask = slotCount(sizeBytes) - 1;
        final ByteBuffer message = Messages.allocate(sizeBytes);
        long sent = 0;
        long head = 0;
        long backPressured = 0;
        boolean end = false;
        while (true)
        {
            if (!end && channel.stopRequested())
            {
                end = true;
            }
            if (sent - head > mask)
            {
                head = (long)LONGS.getAcquire(shared, FIRST_COUNTER_OFFSET);
                if (sent - head > mask)
                {
                    backPressured++;
                    Thread.onSpinWait();
                    continue;
                }
            }
            message.putLong(0, end ? Workload.END_SEQUENCE : sent);
            shared.put(DATA_OFFSET + (int)(sent & mask) * slotBytes, message, 0, sizeBytes);
            LONGS.setRelease(shared, SECOND_COUNTER_OFFSET, sent + 1);
            if (end)
            {
                break;
            }
            sent++;
        }
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", sent);
        result.put("backPressured", backPressured);
        channel.result(result);
    }

    private static void consume(final Workload workload, final SideChannel channel, final ByteBuffer shared)
    {
        final int slotBytes = ringSlotBytes(workload.sizeBytes());
        final long mask = slotCount(workload.sizeBytes()) - 1;
        final StreamMeter meter = new StreamMeter(workload, channel);
        long head = 0;
        int spins = 0;
        while (!meter.ended())
        {
            final long tail = (long)LONGS.getAcquire(shared, SECOND_COUNTER_OFFSET);
            if (tail == head)
            {
                if ((++spins & STOP_CHECK_MASK) == 0)
                {
                    if (channel.stopRequested())
                    {
                        break;
                    }
                    meter.tick(System.nanoTime());
                }
                Thread.onSpinWait();
                continue;
            }
            while (head < tail &&
                meter.onMessage(Messages.sequence(shared, DATA_OFFSET + (int)(head & mask) * slotBytes)))
            {
                head++;
            }
            LONGS.setRelease(shared, FIRST_COUNTER_OFFSET, head);
            meter.tick(System.nanoTime());
        }
        channel.result(meter.result());
    }
}
