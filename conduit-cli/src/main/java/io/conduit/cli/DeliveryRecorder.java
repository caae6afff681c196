package io.conduit.cli;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.conduit.Header;
import io.conduit.MessageHandler;

/**
 * Records what a subscription receives from stamped publishers (see {@link StampDescriptor}): counts and bytes,
 * latency from the stamped send time to arrival in an HdrHistogram, and per publisher session (by
 * {@link Header#sessionId()}) the gaps, duplicates and out-of-order arrivals in the stamped sequence.
 * <p>
 * Messages shorter than a stamp are counted as received but carry no latency or sequence. Messages with a
 * sequence below {@code firstRecordedSequence} count for delivery but not for latency: they warm the JIT up.
 * Not thread-safe: use from the polling thread, then read the report.
 */
final class DeliveryRecorder implements MessageHandler
{
    private static final long HIGHEST_LATENCY_NS = TimeUnit.MINUTES.toNanos(1);

    private final Histogram latencyNs = new Histogram(HIGHEST_LATENCY_NS, 3);
    private final Map<Integer, SequenceTracker> sessions = new HashMap<>();
    private final long firstRecordedSequence;
    private SequenceTracker lastTracker;
    private int lastSessionId;
    private long received;
    private long bytes;
    private long unstamped;
    private long firstReceiveNs;
    private long lastReceiveNs;

    /**
     * @param firstRecordedSequence lowest sequence whose latency is recorded; 0 records all.
     */
    DeliveryRecorder(final long firstRecordedSequence)
    {
        this.firstRecordedSequence = firstRecordedSequence;
    }

    @Override
    public void onMessage(final ByteBuffer buffer, final int offset, final int length, final Header header)
    {
        final long nowNs = System.nanoTime();
        if (received == 0)
        {
            firstReceiveNs = nowNs;
        }
        lastReceiveNs = nowNs;
        received++;
        bytes += length;
        if (length < StampDescriptor.STAMP_LENGTH)
        {
            unstamped++;
            return;
        }
        final long sequence = StampDescriptor.sequence(buffer, offset);
        tracker(header.sessionId()).onSequence(sequence);
        if (sequence >= firstRecordedSequence)
        {
            final long latency = nowNs - StampDescriptor.sendTimeNs(buffer, offset);
            latencyNs.recordValue(Math.min(Math.max(latency, 0), HIGHEST_LATENCY_NS));
        }
    }

    private SequenceTracker tracker(final int sessionId)
    {
        if (lastTracker == null || sessionId != lastSessionId)
        {
            lastTracker = sessions.computeIfAbsent(sessionId, id -> new SequenceTracker());
            lastSessionId = sessionId;
        }
        return lastTracker;
    }

    /**
     * @return messages received so far.
     */
    long received()
    {
        return received;
    }

    /**
     * @return messages received so far, less duplicates.
     */
    long distinct()
    {
        long distinct = unstamped;
        for (final SequenceTracker tracker : sessions.values())
        {
            distinct += tracker.distinct();
        }
        return distinct;
    }

    /**
     * @return what was received so far.
     */
    DeliveryReport report()
    {
        long gaps = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        for (final SequenceTracker tracker : sessions.values())
        {
            gaps += tracker.gaps();
            duplicates += tracker.duplicates();
            outOfOrder += tracker.outOfOrder();
        }
        final long elapsedNs = lastReceiveNs - firstReceiveNs;
        final double msgsPerSec = received > 1 && elapsedNs > 0 ? (received - 1) * 1e9 / elapsedNs : 0;
        final boolean hasLatency = latencyNs.getTotalCount() > 0;
        return new DeliveryReport(
            received,
            bytes,
            msgsPerSec,
            hasLatency ? latencyNs.getValueAtPercentile(50) / 1000.0 : 0,
            hasLatency ? latencyNs.getValueAtPercentile(99) / 1000.0 : 0,
            hasLatency ? latencyNs.getValueAtPercentile(99.9) / 1000.0 : 0,
            hasLatency ? latencyNs.getMaxValue() / 1000.0 : 0,
            gaps,
            duplicates,
            outOfOrder,
            unstamped,
            sessions.size());
    }
}
