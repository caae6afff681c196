package io.conduit.cli;

import java.util.List;

/**
 * The rows of {@code conduit demo}, in the order they run.
 */
final class Mechanisms
{
    /**
     * Shared memory between two processes; the subscriber yields rather than parks when idle, as a latency-minded
     * user would configure it. The log name is unique to this demo run.
     */
    static final MessagingMechanism SHM = MessagingMechanism.betweenProcesses(
        "shm", "shm:conduit-demo-" + ProcessHandle.current().pid() + "?idle=yield", false);
    /** TCP on loopback between two processes. */
    static final MessagingMechanism TCP = MessagingMechanism.betweenProcesses("tcp", "tcp://127.0.0.1:0?delivery=poller", false);
    /** TCP with TLS 1.3 on loopback between two processes, with a throwaway self-signed certificate. */
    static final MessagingMechanism TCP_TLS =
        MessagingMechanism.betweenProcesses("tcp-tls", "tcp://127.0.0.1:0?tls=true", true);
    /** Two threads of one process, for reference. */
    static final MessagingMechanism INPROC = MessagingMechanism.withinProcess("inproc", "inproc:conduit-demo");

    /** Remote procedure calls over TCP on loopback, the peer process serving each connection on a thread of its own. */
    static final RpcMechanism RPC_TCP = new RpcMechanism("rpc-tcp", "tcp://127.0.0.1:0?io=thread");
    /** Remote procedure calls over shared memory, the peer process serving; named after this process. */
    static final RpcMechanism RPC_SHM =
        new RpcMechanism("rpc-shm", "shm:conduit-demo-rpc-" + ProcessHandle.current().pid());

    private static final List<MessagingMechanism> MESSAGING = List.of(SHM, TCP, TCP_TLS, INPROC);
    private static final List<Mechanism> ALL = List.of(SHM, TCP, TCP_TLS, INPROC, RPC_TCP, RPC_SHM);

    private Mechanisms()
    {
    }

    /**
     * @return every mechanism implemented so far.
     */
    static List<Mechanism> all()
    {
        return ALL;
    }

    /**
     * @param name of a row.
     * @return the mechanism of that name.
     * @throws IllegalArgumentException naming the known ones when there is none.
     */
    static Mechanism byName(final String name)
    {
        for (final Mechanism mechanism : all())
        {
            if (mechanism.name().equals(name))
            {
                return mechanism;
            }
        }
        throw new IllegalArgumentException("unknown mechanism: name=" + name + " (known: " + names() + ")");
    }

    /**
     * @param name of a publish/subscribe row, as the demo peer is asked to publish for it.
     * @return the mechanism.
     * @throws IllegalArgumentException when there is none of that name.
     */
    static MessagingMechanism messaging(final String name)
    {
        for (final MessagingMechanism mechanism : MESSAGING)
        {
            if (mechanism.name().equals(name))
            {
                return mechanism;
            }
        }
        throw new IllegalArgumentException("unknown messaging mechanism: name=" + name);
    }

    /**
     * @return the names of all mechanisms, comma-separated.
     */
    static String names()
    {
        return String.join(", ", all().stream().map(Mechanism::name).toArray(String[]::new));
    }
}
