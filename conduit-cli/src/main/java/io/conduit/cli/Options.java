package io.conduit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks of option values that picocli's types alone do not express; a failed check is a usage error.
 */
final class Options
{
    private Options()
    {
    }

    /**
     * @param spec    of the command, for the error.
     * @param name    of the option.
     * @param value   given.
     * @param minimum allowed.
     * @throws CommandLine.ParameterException when the value is below the minimum.
     */
    static void requireAtLeast(final CommandSpec spec, final String name, final long value, final long minimum)
    {
        if (value < minimum)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value: " + name + "=" + value + " (at least " + minimum + ")");
        }
    }

    /**
     * @param spec    of the command, for the error.
     * @param name    of the option.
     * @param seconds given; must be positive.
     * @return the same duration in nanoseconds.
     * @throws CommandLine.ParameterException when the value is not positive.
     */
    static long secondsToNanos(final CommandSpec spec, final String name, final double seconds)
    {
        if (!(seconds > 0) || seconds > 1e6)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value: " + name + "=" + seconds + " (seconds, more than 0)");
        }
        return (long)(seconds * 1e9);
    }
}
