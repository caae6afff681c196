package io.conduit.bench.internal;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows where a long run is, on stderr: a bar redrawn in place on a terminal, one line per phase otherwise.
 */
public final class ProgressBar
{
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String lastPhase = "";
    private boolean drawn;

    /**
     * @param out      where to draw, normally stderr; null draws nothing.
     * @param terminal true to redraw in place.
     */
    public ProgressBar(final PrintStream out, final boolean terminal)
    {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * @return a bar on stderr, redrawn in place when stderr is a terminal.
     */
    public static ProgressBar onStderr()
    {
        return new ProgressBar(System.err, stderrIsTerminal());
    }

    /**
     * @return a bar that draws nothing.
     */
    public static ProgressBar none()
    {
        return new ProgressBar(null, false);
    }

    /**
     * @param label    such as {@code conduit tcp-pingpong}.
     * @param phase    such as {@code warmup}.
     * @param fraction of the phase done, 0 to 1.
     * @param totalS   length of the phase in seconds.
     */
    public void update(final String label, final String phase, final double fraction, final double totalS)
    {
        if (out == null)
        {
            return;
        }
        final double done = Math.max(0, Math.min(1, fraction));
        if (terminal)
        {
            final int filled = (int)Math.round(done * WIDTH);
            out.print(String.format(Locale.ROOT, "\r%-28s %-8s [%s%s] %5.1f/%.1f s ", label, phase,
                "#".repeat(filled), "-".repeat(WIDTH - filled), done * totalS, totalS));
            out.flush();
            drawn = true;
        }
        else if (!phase.equals(lastPhase))
        {
            out.println(String.format(Locale.ROOT, "%s: %s (%.1f s)", label, phase, totalS));
        }
        lastPhase = phase;
    }

    /**
     * End the current bar's line.
     */
    public void finish()
    {
        if (out != null && drawn)
        {
            out.println();
            drawn = false;
        }
        lastPhase = "";
    }

    private static boolean stderrIsTerminal()
    {
        try
        {
            final String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        }
        catch (final Exception ex)
        {
            return System.console() != null;
        }
    }
}
