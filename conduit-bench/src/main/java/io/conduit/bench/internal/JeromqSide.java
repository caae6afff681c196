package io.conduit.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;


/**
 * JeroMQ set up as its authors suggest: one I/O thread, REQ/REP for strict request/reply ping-pong, PUSH/PULL for
 * the stream, over {@code tcp://127.0.0.1}, blocking send and receive. The high-water marks of the stream bound
 * memory to about 4 MiB of messages a side (at least ZeroMQ's default of 1000 messages, at most 100,000), so
 * back-pressure blocks the sender as in any ZeroMQ pipeline. JeroMQ keeps a reference to a sent array rather than
 * copying it, so a streamed message is a new array each time; a ping may reuse its array, as its reply proves the
 * send done.
 */
final class JeromqSide implements Side
{
    private static final int RECEIVE_TIMEOUT_MS = 30_000;
    private static final int LINGER_MS = 10_000;
    private static final int HWM_BYTES = 4 * 1024 * 1024;

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        try (ZContext context = new ZContext(1))
        {
            final boolean latency = workload.scenario().isLatency();
            final ZMQ.Socket socket = context.createSocket(latency ? SocketType.REQ : SocketType.PUSH);
            socket.setLinger(LINGER_MS);
            socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MS);
            socket.setSndHWM(highWaterMark(workload));
            socket.connect("tcp://127.0.0.1:" + workload.connectPort());
            if (latency)
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
        try (ZContext context = new ZContext(1))
        {
            final boolean latency = workload.scenario().isLatency();
            final ZMQ.Socket socket = context.createSocket(latency ? SocketType.REP : SocketType.PULL);
            socket.setLinger(0);
            socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MS);
            socket.setRcvHWM(highWaterMark(workload));
            socket.bind("tcp://127.0.0.1:*");
            final String endpoint = socket.getLastEndpoint();
            channel.announcePort(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)));
            if (latency)
            {
                pong(socket);
            }
            else
            {
                receive(workload, channel, socket);
            }
            SideMain.awaitRelease(channel);
        }
    }

    static int highWaterMark(final Workload workload)
    {
        return Math.max(1000, Math.min(100_000, HWM_BYTES / workload.sizeBytes()));
    }

    private static void ping(final Workload workload, final SideChannel channel, final ZMQ.Socket socket)
        throws Exception
    {
        final byte[] message = new byte[workload.sizeBytes()];
        final PingClient client = new PingClient()
        {
            @Override
            public void ping(final long sequence)
            {
                Messages.putSequence(message, sequence);
                if (!socket.send(message, 0))
                {
                    throw new IllegalStateException("jeromq send failed: errno=" + socket.errno());
                }
            }

            @Override
            public long awaitPong()
            {
                return Messages.sequence(receiveOrFail(socket));
            }
        };
        new PingerLoop(workload, client, Waiting.idleStrategy(workload.idle())).run(channel);
    }

    private static void pong(final ZMQ.Socket socket)
    {
        long sequence;
        do
        {
            final byte[] message = receiveOrFail(socket);
            socket.send(message, 0);
            sequence = Messages.sequence(message);
        }
        while (sequence != Workload.END_SEQUENCE);
    }

    private static void stream(final Workload workload, final SideChannel channel, final ZMQ.Socket socket)
    {
        long sent = 0;
        while (!channel.stopRequested())
        {
            final byte[] message = new byte[workload.sizeBytes()];
            Messages.putSequence(message, sent);
            if (!socket.send(message, 0))
            {
                throw new IllegalStateException("jeromq send failed: errno=" + socket.errno());
            }
            sent++;
        }
        final byte[] end = new byte[workload.sizeBytes()];
        Messages.putSequence(end, Workload.END_SEQUENCE);
        socket.send(end, 0);
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", sent);
        result.put("highWaterMark", highWaterMark(workload));
        channel.result(result);
    }

    private static void receive(final Workload workload, final SideChannel channel, final ZMQ.Socket socket)
    {
        final StreamMeter meter = new StreamMeter(workload, channel);
        int untilTick = 0;
        while (meter.onMessage(Messages.sequence(receiveOrFail(socket))))
        {
            if (--untilTick <= 0)
            {
                meter.tick(System.nanoTime());
                untilTick = 64;
            }
        }
        meter.tick(System.nanoTime());
        channel.result(meter.result());
    }

    private static byte[] receiveOrFail(final ZMQ.Socket socket)
    {
        final byte[] message = socket.recv(0);
        if (message == null)
        {
            throw new IllegalStateException("jeromq receive failed or timed out: errno=" + socket.errno() +
                ", timeoutMs=" + RECEIVE_TIMEOUT_MS);
        }
        return message;
    }
}
