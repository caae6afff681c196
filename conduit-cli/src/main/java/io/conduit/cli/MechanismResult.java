package io.conduit.cli;

/**
 * One row of {@code conduit demo}.
 *
 * @param mechanism  name of the row.
 * @param messages   received by the subscriber.
 * @param msgsPerSec arrival rate.
 * @param p50Us      median latency from the scheduled send time, in microseconds.
 * @param p99Us      99th percentile latency, in microseconds.
 * @param p999Us     99.9th percentile latency, in microseconds.
 * @param maxUs      highest latency, in microseconds.
 * @param lost       messages accepted by the publication but never received.
 * @param errors     failures: a publisher or subscriber that could not run, duplicates, out-of-order arrivals.
 * @param cpuPercent CPU time of both processes over wall time, in percent of one CPU.
 * @param failure    what went wrong, or null.
 */
record MechanismResult(
    String mechanism,
    long messages,
    double msgsPerSec,
    double p50Us,
    double p99Us,
    double p999Us,
    double maxUs,
    long lost,
    long errors,
    double cpuPercent,
    String failure)
{
    /**
     * @param mechanism name of the row.
     * @param failure   why it could not run.
     * @return a row for a mechanism that did not run.
     */
    static MechanismResult failed(final String mechanism, final String failure)
    {
        return new MechanismResult(mechanism, 0, 0, 0, 0, 0, 0, 0, 1, 0, failure);
    }

    /**
     * @return the JSON object printed per row by {@code conduit demo --json}.
     */
    JsonObject toJson()
    {
        return new JsonObject()
            .put("mechanism", mechanism)
            .put("messages", messages)
            .put("msgsPerSec", msgsPerSec)
            .put("p50Us", p50Us)
            .put("p99Us", p99Us)
            .put("p999Us", p999Us)
            .put("maxUs", maxUs)
            .put("lost", lost)
            .put("errors", errors);
    }
}
