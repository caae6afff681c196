package io.conduit.cli;

import io.conduit.ConduitException;

/**
 * Asks the peer process to publish, and reads its outcome from the peer's answers.
 */
final class PeerPublisher implements PublisherHandle
{
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final PeerProcess peer;
    private Outcome outcome;

    /**
     * Send the request.
     *
     * @param peer    to publish from.
     * @param request the {@link PeerMessage#PUBLISH} message.
     */
    PeerPublisher(final PeerProcess peer, final PeerMessage request)
    {
        this.peer = peer;
        peer.send(request);
    }

    @Override
    public Outcome pollOutcome()
    {
        PeerMessage message;
        while (outcome == null && (message = peer.poll()) != null)
        {
            if (PeerMessage.RESULT.equals(message.verb()))
            {
                outcome = new Outcome(message.getLong("sent"), message.getLong("backPressured"),
                    message.getLong("cpuNs"), message.get("failure"));
            }
            else if (PeerMessage.END.equals(message.verb()))
            {
                outcome = new Outcome(0, 0, 0, "demo peer exited: pid=" + peer.pid() + ", exitCode=" + peer.exitCode());
            }
        }
        return outcome;
    }

    @Override
    public void close()
    {
        try
        {
            peer.send(new PeerMessage(PeerMessage.CLOSE));
            peer.await(PeerMessage.CLOSED, CLOSE_TIMEOUT_MS);
        }
        catch (final ConduitException ignore)
        {
            // The peer is gone or stuck: the outcome already says so, and the demo stops it at the end.
        }
    }
}
