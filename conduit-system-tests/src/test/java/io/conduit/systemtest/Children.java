package io.conduit.systemtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

/**
 * Starts the system tests' child processes.
 */
final class Children
{
    static final Pattern READY = Pattern.compile("^READY port=(-?\\d+)");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private Children()
    {
    }

    /**
     * Start a subscriber and wait until it listens.
     *
     * @return the subscriber process.
     */
    static JavaProcess subscriber(
        final JavaProcesses processes, final String name, final List<String> jvmArgs, final String uri,
        final int streamId, final long expectedCount)
    {
        final JavaProcess process = processes.start(name, jvmArgs, SubscriberMain.class,
            uri, Integer.toString(streamId), Long.toString(expectedCount), "100");
        process.awaitLine(READY, START_TIMEOUT);
        return process;
    }

    static int port(final JavaProcess subscriber)
    {
        return Integer.parseInt(subscriber.awaitLine(READY, START_TIMEOUT).group(1));
    }

    static JavaProcess publisher(
        final JavaProcesses processes, final String name, final List<String> jvmArgs, final String uri,
        final int streamId, final long count, final int messageBytes, final long messagesPerSecond)
    {
        return processes.start(name, jvmArgs, PublisherMain.class, uri, Integer.toString(streamId),
            Long.toString(count), Integer.toString(messageBytes), Long.toString(messagesPerSecond));
    }

    static List<String> properties(final String... keyValues)
    {
        final List<String> args = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            args.add("-D" + keyValues[i] + "=" + keyValues[i + 1]);
        }
        return args;
    }
}
