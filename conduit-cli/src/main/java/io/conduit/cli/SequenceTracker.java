package io.conduit.cli;

import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the sequence numbers of one publisher session, which start at 0 and rise by 1: counts messages missing
 * from the sequence (gaps), messages seen twice (duplicates) and late arrivals that fill a gap (out of order).
 * <p>
 * Missing numbers are kept as ranges, so memory grows with the number of holes, not the number of messages.
 * Not thread-safe.
 */
final class SequenceTracker
{
    private final TreeMap<Long, Long> missingRanges = new TreeMap<>();
    private long nextSequence;
    private long missing;
    private long duplicates;
    private long outOfOrder;

    /**
     * @param sequence of a message just received.
     */
    void onSequence(final long sequence)
    {
        if (sequence == nextSequence)
        {
            nextSequence++;
        }
        else if (sequence > nextSequence)
        {
            missingRanges.put(nextSequence, sequence);
            missing += sequence - nextSequence;
            nextSequence = sequence + 1;
        }
        else if (fill(sequence))
        {
            missing--;
            outOfOrder++;
        }
        else
        {
            duplicates++;
        }
    }

    private boolean fill(final long sequence)
    {
        final Map.Entry<Long, Long> range = missingRanges.floorEntry(sequence);
        if (range == null || sequence >= range.getValue())
        {
            return false;
        }
        final long start = range.getKey();
        final long end = range.getValue();
        missingRanges.remove(start);
        if (start < sequence)
        {
            missingRanges.put(start, sequence);
        }
        if (sequence + 1 < end)
        {
            missingRanges.put(sequence + 1, end);
        }
        return true;
    }

    /**
     * @return messages below the highest sequence seen that have not arrived.
     */
    long gaps()
    {
        return missing;
    }

    /**
     * @return messages that arrived more than once.
     */
    long duplicates()
    {
        return duplicates;
    }

    /**
     * @return messages that arrived after a higher sequence number.
     */
    long outOfOrder()
    {
        return outOfOrder;
    }

    /**
     * @return how many distinct messages have been seen.
     */
    long distinct()
    {
        return nextSequence - missing;
    }
}
