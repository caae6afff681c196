package io.conduit.cli;

/**
 * The publishing side of a {@link MessagingMechanism} row, running in the peer process or on a thread of this one.
 */
interface PublisherHandle extends AutoCloseable
{
    /**
     * What a publisher did.
     *
     * @param sent          messages accepted by its publication.
     * @param backPressured refused offers, retried.
     * @param cpuNs         CPU time of its process while it ran, when that is another process; else 0.
     * @param failure       why it stopped short, or null.
     */
    record Outcome(long sent, long backPressured, long cpuNs, String failure)
    {
    }

    /**
     * @return the outcome once the publisher has sent everything (or failed), else null. Does not block.
     */
    Outcome pollOutcome();

    /**
     * Close the publication and wait, briefly, for that to happen. Never throws.
     */
    @Override
    void close();
}
