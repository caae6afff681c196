package io.conduit.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A main class running in a separate JVM with the current test classpath. Captures its stdout and stderr lines
 * (echoed to this JVM's stdout with the process name as prefix) and lets a test wait for a line. Always clean
 * up with {@link #close()}, directly or through {@link JavaProcesses}; a shutdown hook kills what is left.
 */
public final class JavaProcess implements AutoCloseable
{
    private static final int MAX_LINES = 100_000;
    private static final int TAIL_LINES = 20;
    private static final Set<JavaProcess> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> p.process.destroyForcibly()),
            "java-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread stdoutPump;
    private final Thread stderrPump;

    private JavaProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.stdoutPump = pump(process.getInputStream(), "stdout");
        this.stderrPump = pump(process.getErrorStream(), "stderr");
    }

    /**
     * Start a main class in a new JVM: the {@code java} of {@code java.home}, this JVM's class path, a small heap.
     *
     * @param name      for log prefixes and messages.
     * @param jvmArgs   extra JVM arguments, such as {@code -Dconduit.heartbeat.timeout.ms=500}.
     * @param mainClass to run.
     * @param args      program arguments.
     * @return the running process.
     */
    public static JavaProcess start(
        final String name, final List<String> jvmArgs, final Class<?> mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms32m");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmArgs);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try
        {
            final Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            final JavaProcess javaProcess = new JavaProcess(name, process);
            LIVE.add(javaProcess);
            return javaProcess;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start process: name=" + name + ", main=" + mainClass.getName(), ex);
        }
    }

    private Thread pump(final InputStream in, final String streamName)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    System.out.println("[" + name + "] " + line);
                    synchronized (lines)
                    {
                        if (lines.size() < MAX_LINES)
                        {
                            lines.add(line);
                        }
                        lines.notifyAll();
                    }
                }
            }
            catch (final IOException ignore)
            {
                // The process went away: the stream is done.
            }
            synchronized (lines)
            {
                lines.notifyAll();
            }
        }, name + "-" + streamName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * @return the name given at start.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the operating system's process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return true while the process runs.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return how many lines were captured so far; pass to {@link #awaitLine(Pattern, int, Predicate, Duration)}
     * to wait only for later lines.
     */
    public int lineCount()
    {
        synchronized (lines)
        {
            return lines.size();
        }
    }

    /**
     * @param pattern to find.
     * @param timeout the longest to wait.
     * @return the first line matching the pattern, matched.
     * @throws AssertionError with the output so far when the timeout passes or the process exits first.
     */
    public Matcher awaitLine(final Pattern pattern, final Duration timeout)
    {
        return awaitLine(pattern, 0, m -> true, timeout);
    }

    /**
     * Wait for a line, at or after a line index, that matches a pattern and a condition on the match.
     *
     * @param pattern   to find.
     * @param fromLine  index of the first line to consider.
     * @param condition on the match, such as a counter above a value.
     * @param timeout   the longest to wait.
     * @return the match.
     * @throws AssertionError with the output so far when the timeout passes or the process exits first.
     */
    public Matcher awaitLine(
        final Pattern pattern, final int fromLine, final Predicate<Matcher> condition, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        int next = fromLine;
        synchronized (lines)
        {
            while (true)
            {
                for (; next < lines.size(); next++)
                {
                    final Matcher matcher = pattern.matcher(lines.get(next));
                    if (matcher.find() && condition.test(matcher))
                    {
                        return matcher;
                    }
                }
                final long remainingNs = deadlineNs - System.nanoTime();
                final boolean outputDone = !stdoutPump.isAlive() && !stderrPump.isAlive();
                if (remainingNs <= 0 || outputDone)
                {
                    throw new AssertionError("no line matching /" + pattern + "/ from " + name +
                        (outputDone ? " before it exited" : " within " + timeout.toMillis() + " ms") +
                        "; last lines:\n" + tail());
                }
                try
                {
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(remainingNs), 100)));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for /" + pattern + "/ from " + name, ex);
                }
            }
        }
    }

    /**
     * @param pattern to find.
     * @return the last line captured so far that matches, matched, or null.
     */
    public Matcher lastLine(final Pattern pattern)
    {
        synchronized (lines)
        {
            for (int i = lines.size() - 1; i >= 0; i--)
            {
                final Matcher matcher = pattern.matcher(lines.get(i));
                if (matcher.find())
                {
                    return matcher;
                }
            }
            return null;
        }
    }

    private String tail()
    {
        synchronized (lines)
        {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        }
    }

    /**
     * @return every line captured so far.
     */
    public String output()
    {
        synchronized (lines)
        {
            return String.join("\n", lines);
        }
    }

    /**
     * @param timeout the longest to wait.
     * @return the exit code.
     * @throws AssertionError when the process is still running after the timeout.
     */
    public int awaitExit(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError(name + " still running after " + timeout.toMillis() + " ms; last lines:\n" +
                    tail());
            }
            awaitPumps();
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name + " to exit", ex);
        }
    }

    /**
     * Kill the process with SIGKILL, as a crash would, and wait for it to be gone.
     */
    public void kill()
    {
        process.destroyForcibly();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                throw new AssertionError("process did not die: name=" + name + ", pid=" + pid());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    /**
     * Freeze the process with SIGSTOP: it keeps its sockets open but stops sending, like a hung peer. Returns once
     * every thread of it has stopped (on Linux): the signal is delivered asynchronously, and a process still
     * running for a moment after {@code kill} returns would make what a test counts from then on wrong.
     */
    public void suspend()
    {
        signal("STOP");
        awaitAllThreadsStopped();
    }

    private void awaitAllThreadsStopped()
    {
        final Path tasks = Path.of("/proc", Long.toString(pid()), "task");
        if (!Files.isDirectory(tasks))
        {
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!allStopped(tasks))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new AssertionError("process did not stop within 10 s of SIGSTOP: name=" + name + ", pid=" + pid());
            }
            Thread.onSpinWait();
        }
    }

    private static boolean allStopped(final Path tasks)
    {
        try (Stream<Path> threads = Files.list(tasks))
        {
            return threads.allMatch(JavaProcess::isStopped);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return false;
        }
    }

    /**
     * @return true when the thread's state in its {@code stat} file (the field after the parenthesised name) is
     * stopped, or the thread is gone.
     */
    private static boolean isStopped(final Path task)
    {
        try
        {
            final String stat = Files.readString(task.resolve("stat"));
            final char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        }
        catch (final NoSuchFileException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Thaw a process frozen by {@link #suspend()} with SIGCONT.
     */
    public void resume()
    {
        signal("CONT");
    }

    private void signal(final String signal)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                throw new AssertionError("kill -" + signal + " failed: name=" + name + ", pid=" + pid());
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run kill -" + signal + ": name=" + name, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted sending " + signal + " to " + name, ex);
        }
    }

    private void awaitPumps() throws InterruptedException
    {
        stdoutPump.join(5_000);
        stderrPump.join(5_000);
    }

    /**
     * Kill the process if it still runs and wait for its output to be drained. Idempotent.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            kill();
        }
        LIVE.remove(this);
        try
        {
            awaitPumps();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString()
    {
        return "JavaProcess{name=" + name + ", pid=" + pid() + ", alive=" + isAlive() + '}';
    }
}
