package io.conduit.systemtest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.IdleStrategy;
import io.conduit.Publication;

/**
 * A publisher process: {@code PublisherMain <uri> <streamId> <count, 0 for no end> <messageBytes>
 * <messagesPerSecond, 0 for as fast as accepted>}. Settings come from {@code conduit.*} system properties. Waits
 * to be connected, sends messages made by {@link Payloads} with sequence numbers from 0, retrying
 * back-pressured offers, prints {@code CONNECTED}, {@code STATUS ...} lines and {@code DONE ...}, then stays up
 * (so its last messages are delivered) until killed or two minutes pass.
 */
public final class PublisherMain
{
    private static final long STATUS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long LINGER_MS = 120_000;

    private PublisherMain()
    {
    }

    public static void main(final String[] args)
    {
        final String uri = args[0];
        final int streamId = Integer.parseInt(args[1]);
        final long count = Long.parseLong(args[2]);
        final byte[] message = new byte[Math.max(Payloads.MIN_LENGTH, Integer.parseInt(args[3]))];
        final long rate = Long.parseLong(args[4]);
        final long intervalNs = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
        try (Conduit conduit = Conduit.launch();
            Publication publication = conduit.addPublication(uri, streamId))
        {
            final long connectDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!publication.isConnected())
            {
                if (System.nanoTime() - connectDeadlineNs >= 0)
                {
                    System.out.println("FAILED not connected within 30 s: " + publication);
                    System.exit(2);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            System.out.println("CONNECTED " + publication.endpoint());
            final IdleStrategy idle = conduit.context().idleStrategy().get();
            final long startNs = System.nanoTime();
            long nextSendNs = startNs;
            long nextStatusNs = startNs;
            long sent = 0;
            while (count == 0 || sent < count)
            {
                if (intervalNs == 0 || System.nanoTime() - nextSendNs >= 0)
                {
                    Payloads.encode(message, sent);
                    final long result = publication.offer(message);
                    if (result > 0)
                    {
                        sent++;
                        nextSendNs += intervalNs;
                        idle.reset();
                    }
                    else if (result == Publication.CLOSED || result == Publication.MAX_SIZE_EXCEEDED)
                    {
                        System.out.println("FAILED offer result=" + result);
                        System.exit(3);
                    }
                    else
                    {
                        idle.idle();
                    }
                }
                else
                {
                    LockSupport.parkNanos(Math.min(intervalNs, TimeUnit.MILLISECONDS.toNanos(1)));
                }
                if (System.nanoTime() - nextStatusNs >= 0)
                {
                    nextStatusNs = System.nanoTime() + STATUS_INTERVAL_NS;
                    System.out.println("STATUS sent=" + sent + " connected=" + publication.isConnected() + " " +
                        ChildCounters.describe(conduit.counters()) + " pubBackPressured=" +
                        publication.counters().get(Counter.BACK_PRESSURED) + " pubNotConnected=" +
                        publication.counters().get(Counter.NOT_CONNECTED));
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            System.out.println("DONE sent=" + sent + " elapsedMs=" + TimeUnit.NANOSECONDS.toMillis(elapsedNs) +
                " backPressured=" + publication.counters().get(Counter.BACK_PRESSURED));
            LockSupport.parkNanos(Duration.ofMillis(LINGER_MS).toNanos());
        }
    }
}
