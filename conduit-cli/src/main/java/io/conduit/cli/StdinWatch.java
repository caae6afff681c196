package io.conduit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Notices the end of standard input when it is a pipe, so that a server started by another program goes away
 * with it. A terminal is not watched: a job in the background that reads its terminal is stopped by the shell
 * ({@code SIGTTIN}), and so would be the server. Standard input from a file or {@code /dev/null} is not watched
 * either, as it ends at once.
 */
final class StdinWatch implements BooleanSupplier
{
    private static final Path STDIN_LINK = Path.of("/proc/self/fd/0");

    private final AtomicBoolean ended = new AtomicBoolean();
    private final boolean watching;

    private StdinWatch(final boolean watching)
    {
        this.watching = watching;
    }

    /**
     * @return a watch that reads standard input on a daemon thread when it is a pipe, else one that never ends.
     */
    static StdinWatch start()
    {
        final StdinWatch watch = new StdinWatch(isPipe(STDIN_LINK));
        if (watch.watching)
        {
            final Thread reader = new Thread(() -> watch.drain(System.in), "conduit-stdin-watch");
            reader.setDaemon(true);
            reader.start();
        }
        return watch;
    }

    /**
     * @param link to a file descriptor, as under {@code /proc/self/fd}.
     * @return true when it is a pipe or a socket (Linux); false otherwise or when that cannot be told.
     */
    static boolean isPipe(final Path link)
    {
        try
        {
            final String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:");
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return false;
        }
    }

    private void drain(final InputStream in)
    {
        final byte[] buffer = new byte[256];
        try
        {
            while (in.read(buffer) >= 0)
            {
                // Anything written to the server is ignored; only the end matters.
            }
        }
        catch (final IOException ignore)
        {
            // A broken pipe is an end too.
        }
        ended.set(true);
    }

    /**
     * @return true when standard input is watched.
     */
    boolean isWatching()
    {
        return watching;
    }

    /**
     * @return true once watched standard input has ended.
     */
    @Override
    public boolean getAsBoolean()
    {
        return ended.get();
    }
}
