package io.conduit.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr, {@code conduit sub: what: key=value}, with the stack trace only
 * under {@code --verbose}. Bad input (arguments, endpoints) exits with {@link CommandLine.ExitCode#USAGE}, any
 * other failure with {@link CommandLine.ExitCode#SOFTWARE}.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler
{
    @Override
    public int handleExecutionException(
        final Exception ex, final CommandLine commandLine, final ParseResult fullParseResult)
    {
        final PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(ex));
        if (isVerbose(fullParseResult))
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return ex instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
    }

    @Override
    public int handleParseException(final ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        final String name = commandLine.getCommandSpec().qualifiedName();
        final PrintWriter err = commandLine.getErr();
        err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
        if (isVerbose(commandLine.getParseResult()))
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * @param ex a failure.
     * @return its message, followed by its root cause's when that adds something.
     */
    static String describe(final Throwable ex)
    {
        final String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        final String rootMessage = root.getMessage();
        if (root == ex || rootMessage == null || message.contains(rootMessage))
        {
            return message;
        }
        return message + " (" + rootMessage + ")";
    }

    private static boolean isVerbose(final ParseResult parseResult)
    {
        for (ParseResult result = parseResult; result != null; result = result.subcommand())
        {
            if (result.hasMatchedOption("--verbose"))
            {
                return true;
            }
        }
        return false;
    }
}
