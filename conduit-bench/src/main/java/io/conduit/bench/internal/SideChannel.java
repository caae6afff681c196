package io.conduit.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A side process's line protocol with the harness.
 * <p>
 * To the harness, on stdout: {@code conduit-bench port=N} (listening on N; 0 over shared memory, where sides
 * meet on the run's name), {@code conduit-bench ready=WHAT} (a helper process such as a media driver is up),
 * {@code conduit-bench phase=P}
 * ({@code warmup}, {@code measure}, {@code done}), {@code conduit-bench result=JSON}. Other stdout lines are
 * ignored by the harness.
 * <p>
 * From the harness, on stdin: {@code port N} (the other side listens on N), {@code stop} (end the stream),
 * {@code exit} (results are in: close and exit). End of input counts as {@code stop} and {@code exit}.
 */
public final class SideChannel
{
    /** Prefix of every protocol line on stdout. */
    public static final String PREFIX = "conduit-bench ";
    /** Line to the side: the other side's port follows. */
    public static final String PORT_COMMAND = "port ";
    /** Line to the side: stop streaming. */
    public static final String STOP_COMMAND = "stop";
    /** Line to the side: close and exit. */
    public static final String EXIT_COMMAND = "exit";

    private final PrintStream out;
    private final BlockingQueue<Integer> peerPorts = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean stopRequested;

    /**
     * @param out where protocol lines go.
     */
    public SideChannel(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Start reading commands on a daemon thread.
     *
     * @param in the harness's commands.
     * @return this.
     */
    public SideChannel start(final InputStream in)
    {
        final Thread reader = new Thread(() -> readCommands(in), "conduit-bench-commands");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void readCommands(final InputStream in)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith(PORT_COMMAND))
                {
                    peerPorts.add(Integer.parseInt(line.substring(PORT_COMMAND.length()).trim()));
                }
                else if (line.equals(STOP_COMMAND))
                {
                    stopRequested = true;
                }
                else if (line.equals(EXIT_COMMAND))
                {
                    break;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            System.err.println("conduit-bench: bad command from harness: " + ex);
        }
        stopRequested = true;
        released.countDown();
    }

    /**
     * @param port this side listens on.
     */
    public void announcePort(final int port)
    {
        emit("port=" + port);
    }

    /**
     * @param what is ready, such as a media driver's directory.
     */
    public void announceReady(final String what)
    {
        emit("ready=" + what);
    }

    /**
     * @param phase entered: {@code warmup}, {@code measure} or {@code done}.
     */
    public void phase(final String phase)
    {
        emit("phase=" + phase);
    }

    /**
     * @param result this side's figures, as one JSON object.
     */
    public void result(final Map<String, Object> result)
    {
        emit("result=" + Json.write(result));
    }

    /**
     * @param timeoutMs longest to wait.
     * @return the other side's port, sent by the harness.
     * @throws InterruptedException when interrupted.
     * @throws IllegalStateException when none arrives in time.
     */
    public int awaitPeerPort(final long timeoutMs) throws InterruptedException
    {
        final Integer port = peerPorts.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (port == null)
        {
            throw new IllegalStateException("no peer port from harness: timeoutMs=" + timeoutMs);
        }
        return port;
    }

    /**
     * @return true once the harness has asked this side to stop streaming (or went away).
     */
    public boolean stopRequested()
    {
        return stopRequested;
    }

    /**
     * Wait until the harness has collected the results, so that closing this side cannot disturb the other.
     *
     * @param timeoutMs longest to wait.
     * @throws InterruptedException when interrupted.
     */
    public void awaitRelease(final long timeoutMs) throws InterruptedException
    {
        released.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void emit(final String line)
    {
        synchronized (out)
        {
            out.println(PREFIX + line);
            out.flush();
        }
    }
}
