package io.conduit.cli;

/**
 * What a publisher sent, as reported by {@code conduit pub}.
 *
 * @param sent          messages accepted by the publication.
 * @param bytes         payload bytes accepted.
 * @param backPressured offers refused because the subscriber could not keep up (each retry counts).
 * @param elapsedNs     from the first send to the last accepted message.
 * @param failure       why sending stopped short, or null when it did not.
 */
record PublishReport(long sent, long bytes, long backPressured, long elapsedNs, String failure)
{
    /**
     * @return messages accepted per second.
     */
    double msgsPerSec()
    {
        return elapsedNs > 0 ? sent * 1e9 / elapsedNs : 0;
    }

    /**
     * @return the JSON object printed by {@code conduit pub --json}.
     */
    JsonObject toJson()
    {
        return new JsonObject()
            .put("sent", sent)
            .put("bytes", bytes)
            .put("msgsPerSec", msgsPerSec())
            .put("backPressured", backPressured);
    }
}
