package io.conduit.internal.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that forwards to a target port and, on its first connection only, cuts both sides
 * after a given number of bytes, losing what it had read but not forwarded: a network failure mid-stream.
 */
final class CuttingProxy implements AutoCloseable
{
    private final ServerSocket server;
    private final int targetPort;
    private final int cutAfterBytes;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread acceptor;

    CuttingProxy(final int targetPort, final int cutAfterBytes) throws IOException
    {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.cutAfterBytes = cutAfterBytes;
        this.acceptor = new Thread(this::accept, "cutting-proxy");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    int connections()
    {
        return connections.get();
    }

    private void accept()
    {
        while (running.get())
        {
            try
            {
                final Socket client = server.accept();
                final Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                final boolean cut = connections.incrementAndGet() == 1;
                pump(client, target, cut ? cutAfterBytes : Long.MAX_VALUE);
                pump(target, client, Long.MAX_VALUE);
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void pump(final Socket from, final Socket to, final long limitBytes)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[8192];
            long forwarded = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int read;
                while ((read = in.read(buffer)) > 0)
                {
                    if (forwarded + read > limitBytes)
                    {
                        out.write(buffer, 0, (int)(limitBytes - forwarded));
                        out.flush();
                        from.setSoLinger(true, 0);
                        to.setSoLinger(true, 0);
                        break;
                    }
                    out.write(buffer, 0, read);
                    forwarded += read;
                }
            }
            catch (final IOException ignore)
            {
                // The other direction closed the sockets.
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // Closing is best effort.
        }
    }

    @Override
    public void close() throws IOException
    {
        running.set(false);
        server.close();
    }
}
