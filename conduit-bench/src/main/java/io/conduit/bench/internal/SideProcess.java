package io.conduit.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A side process as the harness sees it: its protocol lines become {@link Event}s on a queue shared by the
 * sides of a run; the last lines of its stderr are kept for error reports.
 */
public final class SideProcess implements AutoCloseable
{
    private static final int STDERR_TAIL_LINES = 40;
    private static final long EXIT_WAIT_MS = 10_000;

    /**
     * One protocol line of a side, or its end.
     */
    public static final class Event
    {
        /** Key of the event sent when a side's stdout closes, with the exit code as value. */
        public static final String EXITED = "exited";

        private final SideProcess source;
        private final String key;
        private final String value;

        Event(final SideProcess source, final String key, final String value)
        {
            this.source = source;
            this.key = key;
            this.value = value;
        }

        /**
         * @return the side that sent it.
         */
        public SideProcess source()
        {
            return source;
        }

        /**
         * @return {@code port}, {@code phase}, {@code result} or {@link #EXITED}.
         */
        public String key()
        {
            return key;
        }

        /**
         * @return what follows the {@code =}.
         */
        public String value()
        {
            return value;
        }

        @Override
        public String toString()
        {
            return source.name + " " + key + "=" + value;
        }
    }

    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final Deque<String> stderrTail = new ArrayDeque<>();

    private SideProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /**
     * @param name    for reports, such as {@code conduit responder}.
     * @param command to run.
     * @param events  queue to put this side's events on.
     * @return the running side.
     * @throws IOException when the process cannot start.
     */
    public static SideProcess start(final String name, final List<String> command, final BlockingQueue<Event> events)
        throws IOException
    {
        final Process process = new ProcessBuilder(command).start();
        final SideProcess side = new SideProcess(name, process);
        daemon(name + "-stdout", () -> side.readEvents(process.getInputStream(), events));
        daemon(name + "-stderr", () -> side.readStderr(process.getErrorStream()));
        return side;
    }

    private static void daemon(final String name, final Runnable task)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void readEvents(final InputStream in, final BlockingQueue<Event> events)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                final int eq = line.indexOf('=');
                if (line.startsWith(SideChannel.PREFIX) && eq > 0)
                {
                    events.add(new Event(this, line.substring(SideChannel.PREFIX.length(), eq), line.substring(eq + 1)));
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process went away: reported below with its exit code.
        }
        int exitCode;
        try
        {
            exitCode = process.waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            exitCode = -1;
        }
        events.add(new Event(this, Event.EXITED, Integer.toString(exitCode)));
    }

    private void readStderr(final InputStream in)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                synchronized (stderrTail)
                {
                    if (stderrTail.size() == STDERR_TAIL_LINES)
                    {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process went away.
        }
    }

    /**
     * @return the name given at start.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Send a command line; ignored once the process is gone.
     *
     * @param line such as {@code stop}.
     */
    public void send(final String line)
    {
        try
        {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        catch (final IOException ignore)
        {
            // The process has exited; its exit event says why.
        }
    }

    /**
     * @return the last lines it wrote to stderr.
     */
    public String stderrTail()
    {
        synchronized (stderrTail)
        {
            return String.join(System.lineSeparator(), stderrTail);
        }
    }

    /**
     * Ask it to exit, wait a little, then kill it if needed.
     */
    @Override
    public void close()
    {
        send(SideChannel.EXIT_COMMAND);
        try
        {
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // Already closed.
        }
        try
        {
            if (!process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
