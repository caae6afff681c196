package io.conduit.concurrency;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import io.conduit.Counters;
import io.conduit.internal.shm.LogAppender;
import io.conduit.internal.shm.LogReader;

/**
 * Two publishers claim and commit concurrently, and the second reads while the first may still be writing: the
 * reader sees each message whole or not yet, never a torn or overlapping one, and in the end reads both.
 * (Two actors, so that the test runs on a two-CPU machine.)
 * <p>
 * r1: messages the concurrent read saw; r2: torn messages seen at any time; r3: messages read in total.
 */
@JCStressTest
@Outcome(id = {"1, 0, 2", "2, 0, 2"}, expect = Expect.ACCEPTABLE, desc = "Whole messages, both delivered.")
@Outcome(id = "0, 0, 2", expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "The first publisher claimed first but had not committed: the reader waits behind its claim.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A torn, lost or duplicated message.")
@State
public class LogClaimCommitStressTest
{
    private static final int LENGTH = 200;

    private final TestLog testLog = new TestLog();
    private final LogReader reader = new LogReader(
        testLog.log, testLog.joinSubscriber(0), 0, 1 << 20, new Counters(), "stress");
    private final LogAppender first = testLog.appender(0);
    private final LogAppender second = testLog.appender(1);
    private final byte[] firstMessage = TestLog.message(LENGTH, 1);
    private final byte[] secondMessage = TestLog.message(LENGTH + 64, 2);
    private int torn;

    @Actor
    public void firstPublisher()
    {
        first.append(null, firstMessage, 0, firstMessage.length, 0, 0);
    }

    @Actor
    public void secondPublisherThenSubscriber(final III_Result result)
    {
        second.append(null, secondMessage, 0, secondMessage.length, 0, 0);
        result.r1 = poll();
    }

    @Arbiter
    public void arbiter(final III_Result result)
    {
        result.r3 = result.r1 + poll();
        result.r2 = torn;
    }

    private int poll()
    {
        return reader.poll((buffer, offset, length, header) ->
        {
            final int expected = buffer.get(offset) == 1 ? LENGTH : LENGTH + 64;
            if (length != expected || !TestLog.isIntact(buffer, offset, length))
            {
                torn++;
            }
        }, 10);
    }
}
