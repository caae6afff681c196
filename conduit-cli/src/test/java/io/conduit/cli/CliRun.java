package io.conduit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;

/**
 * The outcome of running the {@code conduit} command in this JVM, with its output captured.
 *
 * @param exitCode returned by the command.
 * @param out      what it printed on stdout.
 * @param err      what it printed on stderr.
 */
record CliRun(int exitCode, String out, String err)
{
    /**
     * @param args command line.
     * @return the outcome.
     */
    static CliRun run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ConduitCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /**
     * @return the non-empty lines of stdout.
     */
    List<String> outLines()
    {
        return Arrays.stream(out.split("\\R")).filter(line -> !line.isBlank()).toList();
    }

    /**
     * @return the last line of stdout.
     */
    String lastOutLine()
    {
        final List<String> lines = outLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
