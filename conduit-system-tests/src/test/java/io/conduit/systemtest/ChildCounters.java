package io.conduit.systemtest;

import io.conduit.Counter;
import io.conduit.Counters;

/**
 * Prints a Conduit's counters as {@code key=value} pairs on a child's status line, for {@link Status} to read.
 */
final class ChildCounters
{
    private ChildCounters()
    {
    }

    static String describe(final Counters counters)
    {
        return describe(counters, "");
    }

    /**
     * @param counters to print.
     * @param prefix   of every key, to tell a subscription's counters from its Conduit's.
     * @return the counters as {@code key=value} pairs.
     */
    static String describe(final Counters counters, final String prefix)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Counter counter : Counter.values())
        {
            sb.append(sb.length() == 0 ? "" : " ").append(prefix).append(counter.name()).append('=')
                .append(counters.get(counter));
        }
        return sb.toString();
    }
}
