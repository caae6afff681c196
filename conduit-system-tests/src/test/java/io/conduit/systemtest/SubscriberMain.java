package io.conduit.systemtest;

import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.Counters;
import io.conduit.IdleStrategy;
import io.conduit.Subscription;

/**
 * A subscriber process: {@code SubscriberMain <uri> <streamId> <expectedCount, 0 for no end> <statusIntervalMs>}.
 * Settings come from {@code conduit.*} system properties. Prints {@code READY port=N} once listening,
 * {@code STATUS ...} lines with its sequence checks and its Conduit's counters, and {@code DONE ...} when the
 * expected count arrived, then exits.
 */
public final class SubscriberMain
{
    private SubscriberMain()
    {
    }

    public static void main(final String[] args)
    {
        final String uri = args[0];
        final int streamId = Integer.parseInt(args[1]);
        final long expected = Long.parseLong(args[2]);
        final long statusIntervalNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        final SequenceTracker tracker = new SequenceTracker();
        final long[] corrupt = new long[1];
        final long[] headerMismatches = new long[1];
        try (Conduit conduit = Conduit.launch();
            Subscription subscription = conduit.addSubscription(uri, streamId))
        {
            System.out.println("READY port=" + subscription.endpoint().port() + " endpoint=" + subscription.endpoint());
            final IdleStrategy idle = conduit.context().idleStrategy().get();
            long nextStatusNs = System.nanoTime();
            final long startNs = System.nanoTime();
            while (expected == 0 || tracker.received() < expected)
            {
                final int count = subscription.poll((buffer, offset, length, header) ->
                {
                    if (length < Payloads.MIN_LENGTH)
                    {
                        corrupt[0]++;
                        return;
                    }
                    final long sequence = Payloads.sequence(buffer, offset);
                    if (!Payloads.isIntact(buffer, offset, length, sequence))
                    {
                        corrupt[0]++;
                    }
                    if (header.sequence() != sequence)
                    {
                        headerMismatches[0]++;
                    }
                    tracker.onSequence(header.sessionId(), sequence);
                }, 256);
                idle.idle(count);
                if (System.nanoTime() - nextStatusNs >= 0)
                {
                    nextStatusNs = System.nanoTime() + statusIntervalNs;
                    System.out.println("STATUS " + describe(tracker, corrupt[0], headerMismatches[0], subscription,
                        conduit.counters()));
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            System.out.println("DONE " + describe(tracker, corrupt[0], headerMismatches[0], subscription,
                conduit.counters()) + " elapsedMs=" + TimeUnit.NANOSECONDS.toMillis(elapsedNs));
        }
    }

    private static String describe(
        final SequenceTracker tracker,
        final long corrupt,
        final long headerMismatches,
        final Subscription subscription,
        final Counters counters)
    {
        return tracker.describe() + " corrupt=" + corrupt + " headerMismatches=" + headerMismatches +
            " connected=" + subscription.isConnected() + " " + ChildCounters.describe(counters) + " " +
            ChildCounters.describe(subscription.counters(), "sub");
    }
}
