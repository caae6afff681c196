package io.conduit.bench.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * One contender's figures in a run, made from what its side processes reported, and verified: a stream must
 * arrive whole and in order.
 */
public final class ContenderResult
{
    private final Scenario scenario;
    private final Contender contender;
    private final Histogram histogram;
    private final Map<String, Object> figures;

    private ContenderResult(
        final Scenario scenario,
        final Contender contender,
        final Histogram histogram,
        final Map<String, Object> figures)
    {
        this.scenario = scenario;
        this.contender = contender;
        this.histogram = histogram;
        this.figures = figures;
    }

    /**
     * @param scenario  that ran.
     * @param contender measured.
     * @param sizeBytes of each message.
     * @param measured  result of the measuring side (pinger, receiver or RPC client).
     * @param other     result of the other side (the sender's count), or an empty map.
     * @return the figures.
     * @throws IllegalStateException when a stream lost, duplicated or reordered messages, an RPC call failed, or a
     *                               result is malformed.
     */
    public static ContenderResult of(
        final Scenario scenario,
        final Contender contender,
        final int sizeBytes,
        final Map<String, Object> measured,
        final Map<String, Object> other)
    {
        if (scenario.isLatency())
        {
            return latency(scenario, contender, sizeBytes, measured);
        }
        if (scenario.isRpc())
        {
            return rpcThroughput(scenario, contender, sizeBytes, measured);
        }
        return throughput(scenario, contender, measured, other);
    }

    private static ContenderResult latency(
        final Scenario scenario,
        final Contender contender,
        final int sizeBytes,
        final Map<String, Object> measured)
    {
        final Histogram histogram = decode(string(measured, "histogram"));
        final long messages = number(measured, "messages").longValue();
        final long elapsedNs = number(measured, "elapsedNs").longValue();
        final Map<String, Object> figures = latencyFigures(
            histogram, messages, number(measured, "lateAtEnd").longValue(), elapsedNs, sizeBytes);
        if (measured.get("messagesPerPoll") != null)
        {
            figures.put("messagesPerPoll", measured.get("messagesPerPoll"));
        }
        if (measured.get("counters") != null)
        {
            figures.put("counters", measured.get("counters"));
        }
        return new ContenderResult(scenario, contender, histogram, figures);
    }

    private static Map<String, Object> latencyFigures(
        final Histogram histogram, final long messages, final long lateAtEnd, final long elapsedNs, final int sizeBytes)
    {
        final double msgsPerSec = elapsedNs > 0 ? messages * 1e9 / elapsedNs : 0;
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50Us", micros(histogram.getValueAtPercentile(50)));
        figures.put("p90Us", micros(histogram.getValueAtPercentile(90)));
        figures.put("p99Us", micros(histogram.getValueAtPercentile(99)));
        figures.put("p999Us", micros(histogram.getValueAtPercentile(99.9)));
        figures.put("maxUs", micros(histogram.getMaxValue()));
        figures.put("meanUs", micros(Math.round(histogram.getMean())));
        figures.put("msgsPerSec", Math.round(msgsPerSec));
        figures.put("mbPerSec", round2(msgsPerSec * sizeBytes / 1e6));
        figures.put("messages", messages);
        figures.put("lateAtEnd", lateAtEnd);
        figures.put("elapsedNs", elapsedNs);
        return figures;
    }

    /**
     * Combine the rounds of one contender, run alternately with another's so that both meet the same noise:
     * latency histograms are added (the percentiles are of every round trip of every round), throughput is all
     * messages (or calls) over all measured time. {@code roundHeadlines} lists each round's headline figure, and for
     * latency {@code roundP99s} each round's p99.
     *
     * @param rounds    of one scenario and contender, at least one.
     * @param sizeBytes of each message.
     * @return the combined figures; the only round when there is one.
     */
    public static ContenderResult combine(final List<ContenderResult> rounds, final int sizeBytes)
    {
        final ContenderResult first = rounds.get(0);
        if (rounds.size() == 1)
        {
            return first;
        }
        final List<Double> headlines = new ArrayList<>();
        final List<Object> p99s = new ArrayList<>();
        long messages = 0;
        long elapsedNs = 0;
        for (final ContenderResult round : rounds)
        {
            headlines.add(round.headline());
            p99s.add(round.figures.get("p99Us"));
            messages += ((Number)round.figures.get("messages")).longValue();
            elapsedNs += ((Number)round.figures.get("elapsedNs")).longValue();
        }
        final Map<String, Object> figures;
        Histogram histogram = null;
        if (first.scenario.isLatency())
        {
            histogram = combined(rounds);
            long lateAtEnd = 0;
            for (final ContenderResult round : rounds)
            {
                lateAtEnd += ((Number)round.figures.get("lateAtEnd")).longValue();
            }
            figures = latencyFigures(histogram, messages, lateAtEnd, elapsedNs, sizeBytes);
        }
        else if (first.scenario.isRpc())
        {
            histogram = combined(rounds);
            figures = rpcThroughputFigures(histogram, messages, elapsedNs, sizeBytes);
        }
        else
        {
            long sent = 0;
            long backPressured = 0;
            final List<Object> messagesPerPoll = new ArrayList<>();
            for (final ContenderResult round : rounds)
            {
                sent += ((Number)round.figures.get("sent")).longValue();
                messagesPerPoll.add(round.figures.get("messagesPerPoll"));
                final Object pressured = round.figures.get("backPressured");
                backPressured += pressured instanceof Number ? ((Number)pressured).longValue() : 0;
            }
            final double msgsPerSec = messages * 1e9 / elapsedNs;
            figures = new LinkedHashMap<>();
            figures.put("msgsPerSec", Math.round(msgsPerSec));
            figures.put("mbPerSec", round2(msgsPerSec * sizeBytes / 1e6));
            figures.put("messages", messages);
            figures.put("elapsedNs", elapsedNs);
            figures.put("sent", sent);
            figures.put("verified", true);
            figures.put("backPressured", backPressured);
            if (messagesPerPoll.get(0) != null)
            {
                figures.put("roundMessagesPerPoll", messagesPerPoll);
            }
        }
        figures.put("rounds", rounds.size());
        figures.put("roundHeadlines", headlines);
        if (first.scenario.isLatency())
        {
            figures.put("roundP99s", p99s);
        }
        return new ContenderResult(first.scenario, first.contender, histogram, figures);
    }

    private static ContenderResult rpcThroughput(
        final Scenario scenario,
        final Contender contender,
        final int sizeBytes,
        final Map<String, Object> measured)
    {
        final long errors = number(measured, "errors").longValue();
        if (errors != 0)
        {
            throw new IllegalStateException("rpc calls failed: contender=" + contender.cliName() + ", errors=" +
                errors + ", first=" + measured.get("firstError"));
        }
        final Histogram histogram = decode(string(measured, "histogram"));
        final Map<String, Object> figures = rpcThroughputFigures(histogram, number(measured, "messages").longValue(),
            number(measured, "elapsedNs").longValue(), sizeBytes);
        return new ContenderResult(scenario, contender, histogram, figures);
    }

    private static Map<String, Object> rpcThroughputFigures(
        final Histogram histogram, final long calls, final long elapsedNs, final int sizeBytes)
    {
        final double callsPerSec = elapsedNs > 0 ? calls * 1e9 / elapsedNs : 0;
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("msgsPerSec", Math.round(callsPerSec));
        figures.put("mbPerSec", round2(callsPerSec * sizeBytes / 1e6));
        figures.put("messages", calls);
        figures.put("elapsedNs", elapsedNs);
        figures.put("callsInFlight", (long)Scenario.RPC_CALLS_IN_FLIGHT);
        figures.put("p50Us", micros(histogram.getValueAtPercentile(50)));
        figures.put("p99Us", micros(histogram.getValueAtPercentile(99)));
        figures.put("p999Us", micros(histogram.getValueAtPercentile(99.9)));
        figures.put("maxUs", micros(histogram.getMaxValue()));
        figures.put("errors", 0L);
        return figures;
    }

    private static ContenderResult throughput(
        final Scenario scenario,
        final Contender contender,
        final Map<String, Object> measured,
        final Map<String, Object> other)
    {
        final long sent = number(other, "sent").longValue();
        final long received = number(measured, "received").longValue();
        final long outOfOrder = number(measured, "outOfOrder").longValue();
        if (sent != received || outOfOrder != 0 || !Boolean.TRUE.equals(measured.get("ended")))
        {
            throw new IllegalStateException("stream verification failed: contender=" + contender.cliName() +
                ", sent=" + sent + ", received=" + received + ", outOfOrder=" + outOfOrder + ", ended=" +
                measured.get("ended"));
        }
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("msgsPerSec", number(measured, "msgsPerSec").longValue());
        figures.put("mbPerSec", number(measured, "mbPerSec").doubleValue());
        figures.put("messages", number(measured, "messages").longValue());
        figures.put("elapsedNs", number(measured, "elapsedNs").longValue());
        figures.put("sent", sent);
        figures.put("verified", true);
        if (other.containsKey("backPressured"))
        {
            figures.put("backPressured", number(other, "backPressured").longValue());
        }
        if (measured.get("messagesPerPoll") != null)
        {
            figures.put("messagesPerPoll", measured.get("messagesPerPoll"));
        }
        if (measured.get("counters") != null)
        {
            figures.put("counters", measured.get("counters"));
        }
        return new ContenderResult(scenario, contender, null, figures);
    }

    /**
     * @return the contender measured.
     */
    public Contender contender()
    {
        return contender;
    }

    /**
     * @return the figures by their JSON keys ({@code p50Us, p90Us, p99Us, p999Us, maxUs, msgsPerSec, mbPerSec}
     * as they apply, and counts).
     */
    public Map<String, Object> figures()
    {
        return figures;
    }

    /**
     * @return the round-trip histogram in ns of a latency or RPC scenario, or null.
     */
    public Histogram histogram()
    {
        return histogram;
    }

    /**
     * @return the figure a ratio compares: p50 in µs for latency scenarios, msgs/s for throughput.
     */
    public double headline()
    {
        return ((Number)figures.get(scenario.isLatency() ? "p50Us" : "msgsPerSec")).doubleValue();
    }

    /**
     * @param conduit its result.
     * @param peer    its result.
     * @return Conduit's headline divided by the peer's, to 3 significant digits, or null when the peer's is 0.
     */
    public static Double ratio(final ContenderResult conduit, final ContenderResult peer)
    {
        if (conduit == null || peer == null || peer.headline() == 0)
        {
            return null;
        }
        return threeSignificantDigits(conduit.headline() / peer.headline());
    }

    /**
     * @param ratio to round.
     * @return the ratio to three significant digits, so that a small one (0.000123) keeps its meaning.
     */
    static double threeSignificantDigits(final double ratio)
    {
        return new BigDecimal(ratio).round(new MathContext(3)).doubleValue();
    }

    static Histogram decode(final String base64)
    {
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        }
        catch (final DataFormatException | IllegalArgumentException ex)
        {
            throw new IllegalStateException("malformed histogram from side: " + ex.getMessage(), ex);
        }
    }

    private static double micros(final long nanos)
    {
        return round2(nanos / 1000.0);
    }

    private static double round2(final double value)
    {
        return Math.round(value * 100) / 100.0;
    }

    private static Number number(final Map<String, Object> result, final String key)
    {
        final Object value = result.get(key);
        if (!(value instanceof Number))
        {
            throw new IllegalStateException("side result lacks a number: key=" + key + ", result=" + result);
        }
        return (Number)value;
    }

    private static String string(final Map<String, Object> result, final String key)
    {
        final Object value = result.get(key);
        if (!(value instanceof String))
        {
            throw new IllegalStateException("side result lacks a string: key=" + key);
        }
        return (String)value;
    }

    /**
     * @return every round's histogram added into one that grows to hold them all: rounds' histograms are sized by
     * the values they hold, so a later round may hold larger values than the first could.
     */
    private static Histogram combined(final List<ContenderResult> rounds)
    {
        final Histogram histogram = new Histogram(3);
        for (final ContenderResult round : rounds)
        {
            histogram.add(round.histogram);
        }
        return histogram;
    }

}
