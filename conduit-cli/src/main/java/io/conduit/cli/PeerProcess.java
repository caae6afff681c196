package io.conduit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.conduit.ConduitException;
import io.conduit.ErrorCode;

/**
 * The second JVM of {@code conduit demo}: runs {@code conduit demo-peer}, takes {@link PeerMessage}s on its stdin
 * and answers on its stdout. Its stderr goes to ours, so its errors are seen. Closing asks it to quit, then
 * destroys it if it does not.
 */
final class PeerProcess implements AutoCloseable
{
    private static final long EXIT_TIMEOUT_MS = 5_000;

    private final Process process;
    private final Writer toPeer;
    private final BlockingQueue<PeerMessage> fromPeer = new LinkedBlockingQueue<>();
    private final Thread killOnExit;
    private boolean ready;

    private PeerProcess(final Process process)
    {
        this.process = process;
        this.toPeer = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        // Should this JVM be stopped (Ctrl-C) mid-demo, take the peer down with it rather than leave it publishing.
        this.killOnExit = new Thread(process::destroyForcibly, "conduit-demo-peer-killer");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        final Thread reader = new Thread(this::readReplies, "conduit-demo-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Start the peer; it is ready for work once {@link #awaitReady(long)} returns.
     *
     * @return the running peer.
     * @throws ConduitException when the JVM cannot be started.
     */
    static PeerProcess start()
    {
        final ProcessBuilder builder = new ProcessBuilder(JavaProcess.command(ConduitCommand.class, "demo-peer"))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        try
        {
            return new PeerProcess(builder.start());
        }
        catch (final IOException ex)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, ConduitException.Category.ERROR,
                "cannot start demo peer process: " + ex.getMessage(), ex);
        }
    }

    private void readReplies()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                fromPeer.add(PeerMessage.parse(line));
            }
        }
        catch (final IOException ignore)
        {
            // The pipe broke: the peer is gone, as the END message below says.
        }
        fromPeer.add(new PeerMessage(PeerMessage.END));
    }

    /**
     * @param timeoutMs longest to wait for the peer's JVM to start.
     * @throws ConduitException when it does not say it is ready in time.
     */
    void awaitReady(final long timeoutMs)
    {
        if (!ready)
        {
            await(PeerMessage.READY, timeoutMs);
            ready = true;
        }
    }

    /**
     * @return the peer's process id.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * @param message to send.
     * @throws ConduitException when the peer is gone.
     */
    void send(final PeerMessage message)
    {
        try
        {
            toPeer.write(message.encode());
            toPeer.write('\n');
            toPeer.flush();
        }
        catch (final IOException ex)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, ConduitException.Category.ERROR,
                "demo peer is gone: pid=" + pid() + ", exitCode=" + exitCode(), ex);
        }
    }

    /**
     * @return the next message from the peer, or null when none is waiting.
     */
    PeerMessage poll()
    {
        return fromPeer.poll();
    }

    /**
     * @param verb      of the message to wait for; others are skipped.
     * @param timeoutMs longest to wait.
     * @return the message.
     * @throws ConduitException when the peer exits or the time passes first.
     */
    PeerMessage await(final String verb, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            while (true)
            {
                final PeerMessage message = fromPeer.poll(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null)
                {
                    throw new ConduitException(ErrorCode.TIMED_OUT, "demo peer did not answer: expected=" + verb +
                        ", timeoutMs=" + timeoutMs + ", pid=" + pid());
                }
                if (message.verb().equals(verb))
                {
                    return message;
                }
                if (message.verb().equals(PeerMessage.END))
                {
                    fromPeer.add(message);
                    throw new ConduitException(ErrorCode.GENERIC_ERROR, "demo peer exited: expected=" + verb +
                        ", pid=" + pid() + ", exitCode=" + exitCode());
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ConduitException(ErrorCode.TIMED_OUT, "interrupted waiting for the demo peer: expected=" + verb);
        }
    }

    /**
     * @return the peer's exit code, or "running".
     */
    String exitCode()
    {
        return process.isAlive() ? "running" : String.valueOf(process.exitValue());
    }

    /**
     * Ask the peer to quit, and make sure it has gone.
     */
    @Override
    public void close()
    {
        try
        {
            send(new PeerMessage(PeerMessage.QUIT));
            toPeer.close();
        }
        catch (final IOException | ConduitException ignore)
        {
            // Already gone: nothing to ask.
        }
        try
        {
            if (!process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The hook is running or has run: the peer is being destroyed anyway.
        }
    }
}
