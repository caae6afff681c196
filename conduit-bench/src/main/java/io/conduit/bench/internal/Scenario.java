package io.conduit.bench.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.conduit.BusySpinIdleStrategy;
import io.conduit.YieldingIdleStrategy;

/**
 * What a bench run measures. Each scenario has two sides in two processes: the responder starts first and
 * listens, the initiator connects to it. In the RPC scenarios the responder is an echo server and the initiator
 * its client.
 */
public enum Scenario
{
    /**
     * Latency: one message in flight. The initiator (pinger) sends at a fixed rate and records the round trip
     * from each message's scheduled send time; the responder (ponger) echoes.
     */
    TCP_PINGPONG("tcp-pingpong", true, Transport.TCP, false),

    /**
     * Throughput: the initiator (sender) streams as fast as back-pressure allows; the responder (receiver)
     * counts messages and bytes in the measurement window and verifies every sequence number.
     */
    TCP_THROUGHPUT("tcp-throughput", false, Transport.TCP, false),

    /**
     * Latency over shared memory between two processes, as {@link #TCP_PINGPONG}: the responder creates the
     * endpoint, the initiator pings on one stream and the responder echoes on another.
     */
    SHM_PINGPONG("shm-pingpong", true, Transport.SHM, false),

    /**
     * Throughput over shared memory between two processes, as {@link #TCP_THROUGHPUT}.
     */
    SHM_THROUGHPUT("shm-throughput", false, Transport.SHM, false),

    /**
     * RPC latency over TCP: one call in flight. The client calls an echo method at a fixed rate and records each
     * call from its scheduled start (coordinated omission corrected), exactly as the pinger of
     * {@link #TCP_PINGPONG} does.
     */
    RPC_LATENCY("rpc-latency", true, Transport.TCP, true),

    /**
     * RPC throughput over TCP: the client keeps {@link #RPC_CALLS_IN_FLIGHT} asynchronous echo calls in flight,
     * starting one as each completes, and counts completed calls (and their latency from start) in the
     * measurement window.
     */
    RPC_THROUGHPUT("rpc-throughput", false, Transport.TCP, true),

    /**
     * {@link #RPC_LATENCY} over shared memory: the server's endpoint is named after the run.
     */
    RPC_SHM_LATENCY("rpc-shm-latency", true, Transport.SHM, true),

    /**
     * {@link #RPC_THROUGHPUT} over shared memory.
     */
    RPC_SHM_THROUGHPUT("rpc-shm-throughput", false, Transport.SHM, true);

    /** Calls in flight in the RPC throughput scenarios. */
    public static final int RPC_CALLS_IN_FLIGHT = 64;

    /**
     * What carries a scenario's messages, which decides the peers that apply and the defaults.
     */
    public enum Transport
    {
        /** Loopback TCP: sides rendezvous on an ephemeral port. */
        TCP,
        /** Shared memory on one host: sides rendezvous on a name unique to the run. */
        SHM
    }

    /** Default send rate of shared-memory latency scenarios, in messages per second. */
    public static final int SHM_RATE_PER_SEC = 10_000;

    private final String cliName;
    private final boolean latency;
    private final Transport transport;
    private final boolean rpc;

    Scenario(final String cliName, final boolean latency, final Transport transport, final boolean rpc)
    {
        this.cliName = cliName;
        this.latency = latency;
        this.transport = transport;
        this.rpc = rpc;
    }

    /**
     * @return the name used on the command line.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @return true when the headline figure is p50 latency (lower is better); false for msgs/s (higher is better).
     */
    public boolean isLatency()
    {
        return latency;
    }

    /**
     * @return what carries the messages.
     */
    public Transport transport()
    {
        return transport;
    }

    /**
     * Shared memory has no kernel on the data path, so each side spins on a CPU of its own; over TCP a latency
     * run shares one CPU, where a wake-up costs no cross-CPU interrupt.
     *
     * @return the pinning used when none is given.
     */
    public Pinning defaultPinning()
    {
        return transport == Transport.SHM || !latency ? Pinning.SPLIT : Pinning.SAME;
    }

    /**
     * @param tcpRatePerSec the default rate of TCP latency scenarios.
     * @return the send rate of a latency scenario when none is given: over shared memory a round trip takes about
     * a microsecond, so 10,000/s leaves 100 us per message and warms the JIT up (C2 compiles a handler after
     * about 10,000 calls) within a second.
     */
    public int defaultRatePerSec(final int tcpRatePerSec)
    {
        return transport == Transport.SHM ? SHM_RATE_PER_SEC : tcpRatePerSec;
    }

    /**
     * @return the {@code --idle} choice used when none is given: busy-spin for messaging over shared memory (each
     * side has its own CPU), poller for TCP ping-pong (the subscriptions read their sockets and yield: no thread is
     * woken on the way), yield for RPC latency, block for throughput otherwise. RPC over shared memory does not
     * spin: a client's calling thread and its reply poller share the client's one CPU.
     */
    public String defaultIdle()
    {
        if (transport == Transport.SHM && !rpc)
        {
            return BusySpinIdleStrategy.NAME;
        }
        if (transport == Transport.TCP && latency && !rpc)
        {
            return Waiting.POLLER;
        }
        return latency ? YieldingIdleStrategy.NAME : Waiting.BLOCK;
    }

    /**
     * @return true for request/reply scenarios: the responder serves an echo method, the initiator calls it.
     */
    public boolean isRpc()
    {
        return rpc;
    }

    /**
     * @return true when the initiator takes the measurement, false when the responder does.
     */
    public boolean initiatorMeasures()
    {
        return latency || rpc;
    }

    /**
     * @param name as on the command line.
     * @return the scenario.
     * @throws IllegalArgumentException naming the unknown scenario and the known ones.
     */
    public static Scenario fromCliName(final String name)
    {
        for (final Scenario scenario : values())
        {
            if (scenario.cliName.equals(name))
            {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario: scenario=" + name + " (expected " + names() + ")");
    }

    /**
     * @return the command-line names, comma separated.
     */
    public static String names()
    {
        return Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", "));
    }
}
