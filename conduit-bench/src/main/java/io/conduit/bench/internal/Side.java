package io.conduit.bench.internal;

/**
 * One system's two sides of the scenarios, each run in its own process by {@link SideMain}.
 * <p>
 * The responder listens (on an ephemeral port it announces), the initiator connects. In ping-pong the initiator
 * is the pinger and the responder echoes; in throughput the initiator streams and the responder receives and
 * verifies. A side reports through its {@link SideChannel} and returns when its part of the run is over.
 */
public interface Side
{
    /**
     * @param workload to run, with the port to connect to.
     * @param channel  to the harness.
     * @throws Exception when the run fails; the process then exits non-zero.
     */
    void runInitiator(Workload workload, SideChannel channel) throws Exception;

    /**
     * @param workload to run.
     * @param channel  to the harness.
     * @throws Exception when the run fails; the process then exits non-zero.
     */
    void runResponder(Workload workload, SideChannel channel) throws Exception;
}
