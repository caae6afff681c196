package io.conduit.concurrency;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import io.conduit.Counters;
import io.conduit.Publication;
import io.conduit.internal.shm.LogAppender;
import io.conduit.internal.shm.LogReader;

/**
 * Subscribers clean behind themselves, the main cleaning path: two subscribers zero what they have read while a
 * publisher claims the space. Whatever the interleaving, the slowest subscriber decides what may be zeroed, so it
 * reads its message whole, and a claim that succeeds writes a message the other subscriber then reads whole.
 * <p>
 * The log holds three messages of 20000 framed bytes. The fast subscriber has read all three; the slow one reads
 * the first. A fourth message of 19968 framed bytes must wrap (with padding) into the first's space. r1: 1 when
 * the slow subscriber read the first message whole; r2: 1 when the claim succeeded, 2 when it was back-pressured;
 * r3: what the fast subscriber reads afterwards: 1 the fourth message whole, 0 nothing, -1 anything else. The fast
 * subscriber's clean runs on the publisher's thread: jcstress gives each actor a CPU of its own, and CI has two.
 */
@JCStressTest
@Outcome(id = {"1, 1, 1", "1, 2, 0"}, expect = Expect.ACCEPTABLE, desc = "Read whole; claimed and written whole, " +
    "or refused and absent.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A message was zeroed or overwritten while unread, or torn.")
@State
public class LogCleanBehindStressTest
{
    private static final int FRAMED = 20_000;
    private static final int HEADER = 32;

    private final TestLog testLog = new TestLog();
    private final LogReader fast = new LogReader(
        testLog.log, testLog.joinSubscriber(0), 0, 1 << 20, new Counters(), "fast");
    private final LogReader slow = new LogReader(
        testLog.log, testLog.joinSubscriber(1), 0, 1 << 20, new Counters(), "slow");
    private final LogAppender appender = testLog.appender(0);
    private final byte[] next = TestLog.message(FRAMED - HEADER - 32, 4);

    public LogCleanBehindStressTest()
    {
        for (int i = 1; i <= 3; i++)
        {
            final byte[] message = TestLog.message(FRAMED - HEADER, i);
            appender.append(null, message, 0, message.length, i, 0);
        }
        fast.poll((buffer, offset, length, header) -> { }, 3);
    }

    @Actor
    public void slowSubscriber(final III_Result result)
    {
        final int[] intact = new int[1];
        slow.poll((buffer, offset, length, header) ->
        {
            intact[0] = length == FRAMED - HEADER && buffer.get(offset) == 1 &&
                TestLog.isIntact(buffer, offset, length) ? 1 : 0;
        }, 1);
        result.r1 = intact[0];
        testLog.cleaner.cleanBehind(slow.position());
    }

    @Actor
    public void fastSubscriberThenPublisher(final III_Result result)
    {
        testLog.cleaner.cleanBehind(fast.position());
        final long position = appender.append(null, next, 0, next.length, 4, 0);
        result.r2 = position > 0 ? 1 : position == Publication.BACK_PRESSURED ? 2 : (int)position;
    }

    @Arbiter
    public void arbiter(final III_Result result)
    {
        final int[] seen = {0};
        fast.poll((buffer, offset, length, header) ->
        {
            seen[0] = seen[0] == 0 && length == next.length && buffer.get(offset) == 4 &&
                TestLog.isIntact(buffer, offset, length) ? 1 : -1;
        }, 2);
        result.r3 = seen[0];
    }
}
