package io.conduit.cli;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.HdrHistogram.Histogram;

import io.conduit.rpc.Status;

/**
 * What {@code conduit rpc call} did.
 *
 * @param calls         finished, whatever their status.
 * @param callsByStatus finished calls by status, only the statuses seen.
 * @param elapsedNs     from the first call's start to the last one's end.
 * @param latencyNs     of the calls that succeeded, from start to reply.
 */
record RpcCallReport(long calls, Map<Status, Long> callsByStatus, long elapsedNs, Histogram latencyNs)
{
    /**
     * @return calls that succeeded.
     */
    long ok()
    {
        return callsByStatus.getOrDefault(Status.OK, 0L);
    }

    /**
     * @return calls that failed, with any status.
     */
    long errors()
    {
        return calls - ok();
    }

    /**
     * @return calls finished per second.
     */
    double callsPerSec()
    {
        return elapsedNs > 0 ? calls * 1e9 / elapsedNs : 0;
    }

    /**
     * @return the JSON object printed by {@code conduit rpc call --json}: {@code calls, ok, errors, callsPerSec,
     * p50Us, p99Us, p999Us, maxUs}.
     */
    JsonObject toJson()
    {
        return new JsonObject()
            .put("calls", calls)
            .put("ok", ok())
            .put("errors", errors())
            .put("callsPerSec", callsPerSec())
            .put("p50Us", percentileUs(50))
            .put("p99Us", percentileUs(99))
            .put("p999Us", percentileUs(99.9))
            .put("maxUs", latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getMaxValue() / 1000.0);
    }

    /**
     * @return the report for people, on three lines.
     */
    String describe()
    {
        final StringJoiner errorsByStatus = new StringJoiner(", ", " (", ")").setEmptyValue("");
        for (final Map.Entry<Status, Long> entry : callsByStatus.entrySet())
        {
            if (entry.getKey() != Status.OK)
            {
                errorsByStatus.add(entry.getKey() + " " + entry.getValue());
            }
        }
        return String.format(Locale.ROOT,
            "%d calls in %.3f s: %.0f calls/s%n" +
            "ok %d, errors %d%s%n" +
            "latency us: p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f",
            calls, elapsedNs / 1e9, callsPerSec(),
            ok(), errors(), errorsByStatus,
            percentileUs(50), percentileUs(99), percentileUs(99.9),
            latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getMaxValue() / 1000.0);
    }

    private double percentileUs(final double percentile)
    {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getValueAtPercentile(percentile) / 1000.0;
    }
}
