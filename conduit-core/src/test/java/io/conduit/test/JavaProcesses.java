package io.conduit.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that starts {@link JavaProcess}es and kills whatever is still running after each test.
 * <pre>{@code
 * @RegisterExtension
 * final JavaProcesses processes = new JavaProcesses();
 * }</pre>
 */
public final class JavaProcesses implements AfterEachCallback
{
    private final List<JavaProcess> started = new ArrayList<>();

    /**
     * As {@link JavaProcess#start}, closed after the test.
     *
     * @param name      for log prefixes and messages.
     * @param jvmArgs   extra JVM arguments.
     * @param mainClass to run.
     * @param args      program arguments.
     * @return the running process.
     */
    public synchronized JavaProcess start(
        final String name, final List<String> jvmArgs, final Class<?> mainClass, final String... args)
    {
        final JavaProcess process = JavaProcess.start(name, jvmArgs, mainClass, args);
        started.add(process);
        return process;
    }

    @Override
    public synchronized void afterEach(final ExtensionContext context)
    {
        for (final JavaProcess process : started)
        {
            process.close();
        }
        started.clear();
    }
}
