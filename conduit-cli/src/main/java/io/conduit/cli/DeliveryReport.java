package io.conduit.cli;

/**
 * What a subscriber received, as reported by {@code conduit sub} and each row of {@code conduit demo}.
 *
 * @param received   messages received, duplicates included.
 * @param bytes      payload bytes received.
 * @param msgsPerSec arrival rate from the first message to the last.
 * @param p50Us      median latency from the stamped send time, in microseconds.
 * @param p99Us      99th percentile latency, in microseconds.
 * @param p999Us     99.9th percentile latency, in microseconds.
 * @param maxUs      highest latency, in microseconds.
 * @param gaps       messages missing from publishers' sequences (below the highest number seen).
 * @param duplicates messages received more than once.
 * @param outOfOrder messages that arrived after a higher sequence number of their publisher.
 * @param unstamped  messages too short to carry a stamp, counted in {@code received} only.
 * @param sessions   publisher sessions seen.
 */
record DeliveryReport(
    long received,
    long bytes,
    double msgsPerSec,
    double p50Us,
    double p99Us,
    double p999Us,
    double maxUs,
    long gaps,
    long duplicates,
    long outOfOrder,
    long unstamped,
    long sessions)
{
    /**
     * @return true when nothing was missing, duplicated or out of order.
     */
    boolean isClean()
    {
        return gaps == 0 && duplicates == 0 && outOfOrder == 0;
    }

    /**
     * @return the JSON object printed by {@code conduit sub --json}.
     */
    JsonObject toJson()
    {
        return new JsonObject()
            .put("received", received)
            .put("bytes", bytes)
            .put("msgsPerSec", msgsPerSec)
            .put("p50Us", p50Us)
            .put("p99Us", p99Us)
            .put("p999Us", p999Us)
            .put("maxUs", maxUs)
            .put("gaps", gaps)
            .put("duplicates", duplicates)
            .put("outOfOrder", outOfOrder);
    }
}
