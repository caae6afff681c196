package io.conduit.bench.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;


/**
 * The floor: plain blocking {@link Socket}s with TCP_NODELAY, one thread per side, no framing beyond the fixed
 * message size. Ping-pong writes and reads straight on the socket; the stream goes through 64 KiB buffered
 * streams, as one would write it by hand.
 */
final class RawSocketSide implements Side
{
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), workload.connectPort()),
                CONNECT_TIMEOUT_MS);
            if (workload.scenario().isLatency())
            {
                ping(workload, channel, socket);
            }
            else
            {
                stream(workload, channel, socket);
            }
            SideMain.awaitRelease(channel);
        }
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            server.setSoTimeout(READ_TIMEOUT_MS);
            channel.announcePort(server.getLocalPort());
            try (Socket socket = server.accept())
            {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(READ_TIMEOUT_MS);
                if (workload.scenario().isLatency())
                {
                    pong(workload, socket);
                }
                else
                {
                    receive(workload, channel, socket);
                }
                SideMain.awaitRelease(channel);
            }
        }
    }

    private static void ping(final Workload workload, final SideChannel channel, final Socket socket)
        throws Exception
    {
        final byte[] message = new byte[workload.sizeBytes()];
        final byte[] echo = new byte[workload.sizeBytes()];
        final OutputStream out = socket.getOutputStream();
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final PingClient client = new PingClient()
        {
            @Override
            public void ping(final long sequence) throws IOException
            {
                Messages.putSequence(message, sequence);
                out.write(message);
            }

            @Override
            public long awaitPong() throws IOException
            {
                in.readFully(echo);
                return Messages.sequence(echo);
            }
        };
        new PingerLoop(workload, client, Waiting.idleStrategy(workload.idle())).run(channel);
    }

    private static void pong(final Workload workload, final Socket socket) throws IOException
    {
        final byte[] message = new byte[workload.sizeBytes()];
        final OutputStream out = socket.getOutputStream();
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        long sequence;
        do
        {
            in.readFully(message);
            out.write(message);
            sequence = Messages.sequence(message);
        }
        while (sequence != Workload.END_SEQUENCE);
    }

    private static void stream(final Workload workload, final SideChannel channel, final Socket socket)
        throws IOException
    {
        final byte[] message = new byte[workload.sizeBytes()];
        final OutputStream out = new BufferedOutputStream(socket.getOutputStream(), STREAM_BUFFER_BYTES);
        long sent = 0;
        while (!channel.stopRequested())
        {
            Messages.putSequence(message, sent);
            out.write(message);
            sent++;
        }
        Messages.putSequence(message, Workload.END_SEQUENCE);
        out.write(message);
        out.flush();
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", sent);
        channel.result(result);
    }

    private static void receive(final Workload workload, final SideChannel channel, final Socket socket)
        throws IOException
    {
        final byte[] message = new byte[workload.sizeBytes()];
        final DataInputStream in =
            new DataInputStream(new BufferedInputStream(socket.getInputStream(), STREAM_BUFFER_BYTES));
        final StreamMeter meter = new StreamMeter(workload, channel);
        int untilTick = 0;
        while (true)
        {
            in.readFully(message);
            if (!meter.onMessage(Messages.sequence(message)))
            {
                break;
            }
            if (--untilTick <= 0)
            {
                meter.tick(System.nanoTime());
                untilTick = 64;
            }
        }
        meter.tick(System.nanoTime());
        channel.result(meter.result());
    }
}
