package io.conduit.systemtest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.conduit.test.JavaProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code key=value} pairs of a child's {@code STATUS} or {@code DONE} line.
 */
final class Status
{
    static final Pattern STATUS = Pattern.compile("^STATUS (.*)$");
    static final Pattern DONE = Pattern.compile("^DONE (.*)$");
    private static final Pattern PAIR = Pattern.compile("(\\w+)=(\\S+)");

    private final Map<String, String> values = new HashMap<>();
    private final String line;

    private Status(final String line)
    {
        this.line = line;
        final Matcher matcher = PAIR.matcher(line);
        while (matcher.find())
        {
            values.put(matcher.group(1), matcher.group(2));
        }
    }

    /**
     * Check a subscriber's DONE status: every one of {@code count} messages from one publication arrived once,
     * intact and in order, from sequence 0.
     */
    void assertDeliveredExactlyOnceInOrder(final long count)
    {
        assertDeliveredExactlyOnceInOrder(count, 1);
    }

    /**
     * Check a subscriber's DONE status: {@code count} messages from {@code sessions} publications arrived once,
     * intact and in each publication's order, from sequence 0.
     */
    void assertDeliveredExactlyOnceInOrder(final long count, final int sessions)
    {
        assertThat(get("received")).isEqualTo(count);
        assertThat(get("firstSequence")).isZero();
        assertThat(get("duplicates")).isZero();
        assertThat(get("gaps")).isZero();
        assertThat(get("outOfOrder")).isZero();
        assertThat(get("corrupt")).isZero();
        assertThat(get("sessions")).isEqualTo(sessions);
    }

    static Status of(final Matcher matcher)
    {
        return new Status(matcher.group(1));
    }

    /**
     * @return the latest status line of a process, or an empty status when it printed none yet.
     */
    static Status latest(final JavaProcess process)
    {
        final Matcher matcher = process.lastLine(STATUS);
        return matcher == null ? new Status("") : of(matcher);
    }

    /**
     * Wait for any status line, from the first, that satisfies a condition.
     */
    static Status await(final JavaProcess process, final Predicate<Status> condition, final Duration timeout)
    {
        return of(process.awaitLine(STATUS, 0, m -> condition.test(of(m)), timeout));
    }

    /**
     * Wait for a status line, at or after a line index, that satisfies a condition.
     */
    static Status awaitAfter(
        final JavaProcess process, final int fromLine, final Predicate<Status> condition, final Duration timeout)
    {
        return of(process.awaitLine(STATUS, fromLine, m -> condition.test(of(m)), timeout));
    }

    long get(final String key)
    {
        final String value = values.get(key);
        if (value == null)
        {
            throw new AssertionError("no " + key + " in status: " + line);
        }
        return Long.parseLong(value);
    }

    long getOrZero(final String key)
    {
        return values.containsKey(key) ? Long.parseLong(values.get(key)) : 0;
    }

    boolean flag(final String key)
    {
        return Boolean.parseBoolean(values.get(key));
    }

    @Override
    public String toString()
    {
        return line;
    }
}
