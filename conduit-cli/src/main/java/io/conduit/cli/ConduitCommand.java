package io.conduit.cli;

import java.util.concurrent.Callable;

import io.conduit.bench.BenchCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code conduit} command: the entry point of the runnable jar.
 * <p>
 * To add a command, list its class in {@code subcommands} below; errors from every command are reported by
 * {@link ErrorReporter}.
 */
@Command(
    name = "conduit",
    mixinStandardHelpOptions = true,
    versionProvider = ConduitCommand.VersionProvider.class,
    description = "Conduit: one API for inter-process communication. Run 'conduit demo' to see it work.",
    subcommands = {
        DemoCommand.class,
        PubCommand.class,
        SubCommand.class,
        BenchCommand.class,
        RpcCommand.class,
        StatCommand.class,
        DemoPeerCommand.class,
        CommandLine.HelpCommand.class
    })
public final class ConduitCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    private boolean verbose;

    /**
     * Run the command and exit with its exit code.
     *
     * @param args command line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(newCommandLine().execute(args));
    }

    /**
     * @return the {@code conduit} command line with its error handling, ready to {@code execute}.
     */
    public static CommandLine newCommandLine()
    {
        final ErrorReporter errorReporter = new ErrorReporter();
        return new CommandLine(new ConduitCommand())
            .setExecutionExceptionHandler(errorReporter)
            .setParameterExceptionHandler(errorReporter);
    }

    /**
     * Without a subcommand: print the usage on stderr.
     *
     * @return {@link CommandLine.ExitCode#USAGE}.
     */
    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * The version from the jar's manifest.
     */
    static final class VersionProvider implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = ConduitCommand.class.getPackage().getImplementationVersion();
            return new String[] {"conduit " + (version == null ? "(development build)" : version),
                "JVM " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
