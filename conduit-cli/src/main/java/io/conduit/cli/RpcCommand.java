package io.conduit.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code conduit rpc}: the parent of {@code rpc serve} and {@code rpc call}.
 */
@Command(
    name = "rpc",
    mixinStandardHelpOptions = true,
    description = {
        "Remote procedure calls: serve the built-in echo service, or call one and measure the calls.",
        "",
        "Example, in two terminals:",
        "  conduit rpc serve tcp://127.0.0.1:9100",
        "  conduit rpc call tcp://127.0.0.1:9100 --count 100000 --concurrency 16 --size 64"
    },
    subcommands = {
        RpcServeCommand.class,
        RpcCallCommand.class
    })
final class RpcCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

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
}
