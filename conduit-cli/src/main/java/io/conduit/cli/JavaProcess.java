package io.conduit.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line that starts another JVM like this one: same java, same class path, and the same
 * {@code -X} and {@code -D} flags (debugger and agent flags are left out).
 */
final class JavaProcess
{
    private JavaProcess()
    {
    }

    /**
     * @param mainClass to run.
     * @param args      for its main method.
     * @return the command line.
     */
    static List<String> command(final Class<?> mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            final boolean debugger = arg.startsWith("-Xrun") || arg.startsWith("-Xdebug");
            if ((arg.startsWith("-X") || arg.startsWith("-D")) && !debugger)
            {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
