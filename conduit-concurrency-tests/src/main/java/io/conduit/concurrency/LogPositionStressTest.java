package io.conduit.concurrency;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import io.conduit.Counters;
import io.conduit.Publication;
import io.conduit.internal.shm.LogAppender;
import io.conduit.internal.shm.LogReader;

/**
 * The position protocol: a publisher that needs the space of the message a subscriber is reading gets it only
 * after the subscriber has published a position past it, so the cleaning that precedes the claim never zeroes
 * or overwrites a message while it is read.
 * <p>
 * The log holds three messages of 20000 framed bytes; a fourth of 19968 framed bytes must wrap (with padding)
 * into the space of the first. r1: 1 when the subscriber read the first message whole; r2: 1 when the
 * publisher's claim succeeded, 2 when it was back-pressured.
 */
@JCStressTest
@Outcome(id = {"1, 1", "1, 2"}, expect = Expect.ACCEPTABLE, desc = "The message was read whole.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The message was zeroed or overwritten while read.")
@State
public class LogPositionStressTest
{
    private static final int FRAMED = 20_000;
    private static final int HEADER = 32;

    private final TestLog testLog = new TestLog();
    private final LogReader reader = new LogReader(
        testLog.log, testLog.joinSubscriber(0), 0, 1 << 20, new Counters(), "stress");
    private final LogAppender appender = testLog.appender(0);
    private final byte[] next = TestLog.message(FRAMED - HEADER - 32, 4);

    public LogPositionStressTest()
    {
        for (int i = 1; i <= 3; i++)
        {
            final byte[] message = TestLog.message(FRAMED - HEADER, i);
            appender.append(null, message, 0, message.length, i, 0);
        }
    }

    @Actor
    public void subscriber(final II_Result result)
    {
        final int[] intact = new int[1];
        reader.poll((buffer, offset, length, header) ->
        {
            intact[0] = length == FRAMED - HEADER && buffer.get(offset) == 1 &&
                TestLog.isIntact(buffer, offset, length) ? 1 : 0;
        }, 1);
        result.r1 = intact[0];
    }

    @Actor
    public void publisher(final II_Result result)
    {
        final long position = appender.append(null, next, 0, next.length, 4, 0);
        result.r2 = position > 0 ? 1 : position == Publication.BACK_PRESSURED ? 2 : (int)position;
    }
}
