package io.conduit.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The receiver's count of a stream: verifies that sequence numbers arrive once and in order, and counts messages
 * in the measurement window, which opens a warm-up after the first message and lasts the duration. When the
 * window closes it tells the harness ({@code phase=done}), which then asks the sender to stop.
 */
final class StreamMeter
{
    private static final long CHECK_INTERVAL_NS = 1_000_000;

    private final Workload workload;
    private final SideChannel channel;
    private long expected;
    private long received;
    private long outOfOrder;
    private boolean ended;
    private long firstNs;
    private long windowStartNs;
    private long windowStartCount;
    private long windowEndNs;
    private long windowEndCount;
    private long polls;
    private long windowStartPolls;
    private long windowEndPolls;
    private int state;
    private long nextCheckNs = Long.MIN_VALUE / 2;

    /**
     * @param workload with warm-up and duration.
     * @param channel  to the harness.
     */
    StreamMeter(final Workload workload, final SideChannel channel)
    {
        this.workload = workload;
        this.channel = channel;
    }

    /**
     * @param sequence of a message received.
     * @return false when it was the end of the stream.
     */
    boolean onMessage(final long sequence)
    {
        if (sequence == Workload.END_SEQUENCE)
        {
            ended = true;
            return false;
        }
        if (sequence != expected)
        {
            outOfOrder++;
        }
        expected = sequence + 1;
        received++;
        return true;
    }

    /**
     * Count one poll of a receiver that polls for batches; its result then has the mean messages per poll.
     */
    void polled()
    {
        polls++;
    }

    /**
     * Advance the window; call often (every few messages and when idle). The window moves at most once a
     * millisecond: a check taken that often stays in the receiver's compiled loop, whereas a branch first taken
     * when the measurement starts would throw that loop's compiled code away just then.
     *
     * @param nowNs {@link System#nanoTime()}.
     */
    void tick(final long nowNs)
    {
        if (nowNs - nextCheckNs >= 0)
        {
            nextCheckNs = nowNs + CHECK_INTERVAL_NS;
            advance(nowNs);
        }
    }

    private void advance(final long nowNs)
    {
        if (state == 0 && received > 0)
        {
            firstNs = nowNs;
            state = 1;
            channel.phase("warmup");
        }
        else if (state == 1 && nowNs - firstNs >= workload.warmupNs())
        {
            windowStartNs = nowNs;
            windowStartCount = received;
            windowStartPolls = polls;
            state = 2;
            channel.phase("measure");
        }
        else if (state == 2 && nowNs - windowStartNs >= workload.durationNs())
        {
            windowEndNs = nowNs;
            windowEndCount = received;
            windowEndPolls = polls;
            state = 3;
            channel.phase("done");
        }
    }

    /**
     * @return true once the end of the stream arrived.
     */
    boolean ended()
    {
        return ended;
    }

    /**
     * @return the receiver's figures; throughput is of payload bytes, 1 MB = 10^6 bytes.
     * @throws IllegalStateException when the stream ended before the window closed.
     */
    Map<String, Object> result()
    {
        if (state != 3)
        {
            throw new IllegalStateException("stream ended before the measurement window closed: received=" +
                received + ", state=" + state);
        }
        final long messages = windowEndCount - windowStartCount;
        final long elapsedNs = windowEndNs - windowStartNs;
        final double msgsPerSec = messages * 1e9 / elapsedNs;
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", messages);
        result.put("elapsedNs", elapsedNs);
        result.put("msgsPerSec", Math.round(msgsPerSec));
        result.put("mbPerSec", Math.round(msgsPerSec * workload.sizeBytes() / 1e4) / 100.0);
        // Messages per poll tells a receiver that keeps pace with its sender (near 1: both touch the same cache
        // lines) from one that reads behind it in batches.
        final long windowPolls = windowEndPolls - windowStartPolls;
        if (windowPolls > 0)
        {
            result.put("messagesPerPoll", Math.round(messages * 100.0 / windowPolls) / 100.0);
        }
        result.put("received", received);
        result.put("outOfOrder", outOfOrder);
        result.put("ended", ended);
        return result;
    }
}
