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
        final StringBuilder sb = new StringBuilder();
        for (final Counter counter : Counter.values())
        {
            sb.append(sb.length() == 0 ? "" : " ").append(counter.name()).append('=').append(counters.get(counter));
        }
        return sb.toString();
    }
}
