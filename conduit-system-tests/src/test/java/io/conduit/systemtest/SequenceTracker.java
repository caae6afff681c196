package io.conduit.systemtest;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the sequence numbers of messages from every publisher session: counts gaps, duplicates and out-of-order
 * arrivals in a bit set per session rather than keeping the messages. A session's first message sets where it
 * starts, so a subscriber that joins a running stream is judged from what it first saw. Also digests the order of
 * arrival across sessions, which every subscriber of a shared-memory stream sees the same.
 */
final class SequenceTracker
{
    private static final class Session
    {
        final long first;
        final BitSet seen = new BitSet();
        long next;

        Session(final long first)
        {
            this.first = first;
            this.next = first;
        }
    }

    private final Map<Integer, Session> sessions = new HashMap<>();
    private long received;
    private long duplicates;
    private long gaps;
    private long outOfOrder;
    private long minFirst = Long.MAX_VALUE;
    private long orderDigest;

    void onSequence(final int sessionId, final long sequence)
    {
        received++;
        // A hash of the arrival order across sessions: subscribers that saw the same messages in the same order
        // end with the same digest.
        orderDigest = orderDigest * 31 + (sessionId * 0x9E37_79B9_7F4A_7C15L ^ sequence);
        Session session = sessions.get(sessionId);
        if (session == null)
        {
            session = new Session(sequence);
            sessions.put(sessionId, session);
            minFirst = Math.min(minFirst, sequence);
        }
        if (sequence < session.first || sequence - session.first > Integer.MAX_VALUE)
        {
            outOfOrder++;
            return;
        }
        final int bit = (int)(sequence - session.first);
        if (session.seen.get(bit))
        {
            duplicates++;
            return;
        }
        session.seen.set(bit);
        if (sequence == session.next)
        {
            session.next++;
        }
        else if (sequence > session.next)
        {
            gaps += sequence - session.next;
            session.next = sequence + 1;
        }
        else
        {
            outOfOrder++;
            gaps--;
        }
    }

    long received()
    {
        return received;
    }

    String describe()
    {
        return "received=" + received + " duplicates=" + duplicates + " gaps=" + gaps + " outOfOrder=" + outOfOrder +
            " sessions=" + sessions.size() + " firstSequence=" + (minFirst == Long.MAX_VALUE ? -1 : minFirst) +
            " orderDigest=" + orderDigest;
    }
}
