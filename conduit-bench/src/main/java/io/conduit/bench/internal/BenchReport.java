package io.conduit.bench.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a bench run: the settings every figure depends on, Conduit's and the peer's figures and their
 * ratio, as text for people and as one JSON object.
 */
public final class BenchReport
{
    private static final String[] LATENCY_COLUMNS = {"p50Us", "p90Us", "p99Us", "p999Us", "maxUs", "msgsPerSec"};
    private static final String[] LATENCY_HEADERS = {"p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "msgs/s"};
    private static final String[] THROUGHPUT_COLUMNS = {"msgsPerSec", "mbPerSec", "messages"};
    private static final String[] THROUGHPUT_HEADERS = {"msgs/s", "MB/s", "messages"};
    private static final String[] THROUGHPUT_RATIO_COLUMNS = {"msgsPerSec", "mbPerSec"};
    private static final String[] RPC_THROUGHPUT_COLUMNS = {"msgsPerSec", "mbPerSec", "p50Us", "p99Us", "p999Us",
        "maxUs", "messages"};
    private static final String[] RPC_THROUGHPUT_HEADERS = {"calls/s", "MB/s", "p50 us", "p99 us", "p99.9 us",
        "max us", "calls"};
    private static final String[] RPC_THROUGHPUT_RATIO_COLUMNS = {"msgsPerSec", "mbPerSec", "p50Us", "p99Us",
        "p999Us", "maxUs"};

    private final Scenario scenario;
    private final Map<String, Object> settings;
    private final Contender peer;
    private final ContenderResult conduit;
    private final ContenderResult peerResult;

    /**
     * @param scenario   that ran.
     * @param settings   of the run: size, rate, durations, pinning, idle strategy, JVM flags, machine.
     * @param peer       compared with, or null.
     * @param conduit    Conduit's figures, or null when it did not run.
     * @param peerResult the peer's figures, or null.
     */
    public BenchReport(
        final Scenario scenario,
        final Map<String, Object> settings,
        final Contender peer,
        final ContenderResult conduit,
        final ContenderResult peerResult)
    {
        this.scenario = scenario;
        this.settings = settings;
        this.peer = peer;
        this.conduit = conduit;
        this.peerResult = peerResult;
    }

    /**
     * @return Conduit's headline over the peer's, or null without both.
     */
    public Double ratio()
    {
        return ContenderResult.ratio(conduit, peerResult);
    }

    /**
     * @return Conduit's median round over the peer's median round (headline figures), to 3 significant digits, or
     * null unless both ran at least three rounds. Where a round's figure depends on the processes it happened to
     * get (throughput rounds on a 2-core VM come out at one of two rates), the medians are steadier than
     * {@link #ratio()}, which divides all messages by all time.
     */
    public Double medianRoundRatio()
    {
        return medianRoundRatio("roundHeadlines");
    }

    /**
     * @return for latency, Conduit's median round p99 over the peer's, to 3 significant digits, or null unless both
     * ran at least three rounds. The combined p99 is that of every round trip of every round, which one round of a
     * noisy host can decide alone; the median round's is not.
     */
    public Double medianRoundP99Ratio()
    {
        return medianRoundRatio("roundP99s");
    }

    private Double medianRoundRatio(final String roundsKey)
    {
        final double mine = medianRound(conduit, roundsKey);
        final double theirs = medianRound(peerResult, roundsKey);
        if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0)
        {
            return null;
        }
        return ContenderResult.threeSignificantDigits(mine / theirs);
    }

    private static double medianRound(final ContenderResult result, final String roundsKey)
    {
        final Object rounds = result == null ? null : result.figures().get(roundsKey);
        if (!(rounds instanceof List) || ((List<?>)rounds).size() < 3)
        {
            return Double.NaN;
        }
        final double[] values =
            ((List<?>)rounds).stream().mapToDouble(round -> ((Number)round).doubleValue()).sorted().toArray();
        final int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /**
     * @return Conduit's figure over the peer's for every column of the table (latency percentiles and msgs/s, or
     * msgs/s and MB/s), to 3 significant digits, in column order; empty without both, a column left out where the peer's is 0.
     */
    public Map<String, Double> ratios()
    {
        final Map<String, Double> ratios = new LinkedHashMap<>();
        if (conduit == null || peerResult == null)
        {
            return ratios;
        }
        for (final String column : scenario.isLatency() ? LATENCY_COLUMNS :
            scenario.isRpc() ? RPC_THROUGHPUT_RATIO_COLUMNS : THROUGHPUT_RATIO_COLUMNS)
        {
            final Object mine = conduit.figures().get(column);
            final Object theirs = peerResult.figures().get(column);
            if (mine instanceof Number && theirs instanceof Number && ((Number)theirs).doubleValue() != 0)
            {
                ratios.put(column, ContenderResult.threeSignificantDigits(
                    ((Number)mine).doubleValue() / ((Number)theirs).doubleValue()));
            }
        }
        return ratios;
    }

    /**
     * @return one JSON object: {@code scenario}, {@code conduit}, {@code peer}, {@code ratio}, {@code ratioOf},
     * {@code ratios} (every column's) and {@code settings}.
     */
    public String toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario.cliName());
        json.put("conduit", conduit == null ? null : conduit.figures());
        json.put("peer", peerResult == null ? null : named(peer, peerResult));
        json.put("ratio", ratio());
        json.put("ratioOf", scenario.isLatency() ? "p50Us" : "msgsPerSec");
        json.put("ratios", ratios());
        final Double medianRoundRatio = medianRoundRatio();
        if (medianRoundRatio != null)
        {
            json.put("medianRoundRatio", medianRoundRatio);
        }
        final Double medianRoundP99Ratio = medianRoundP99Ratio();
        if (medianRoundP99Ratio != null)
        {
            json.put("medianRoundP99Ratio", medianRoundP99Ratio);
        }
        json.put("settings", settings);
        return Json.write(json);
    }

    private static Map<String, Object> named(final Contender contender, final ContenderResult result)
    {
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("name", contender.cliName());
        figures.putAll(result.figures());
        return figures;
    }

    /**
     * @return a table of the figures with every setting, for people.
     */
    public String toText()
    {
        final String nl = System.lineSeparator();
        final StringBuilder out = new StringBuilder();
        out.append(scenario.cliName()).append(nl);
        for (final Map.Entry<String, Object> setting : settings.entrySet())
        {
            out.append(String.format(Locale.ROOT, "  %-10s %s%n", setting.getKey(), describe(setting.getValue())));
        }
        out.append(nl);
        final String[] columns = scenario.isLatency() ? LATENCY_COLUMNS :
            scenario.isRpc() ? RPC_THROUGHPUT_COLUMNS : THROUGHPUT_COLUMNS;
        final String[] headers = scenario.isLatency() ? LATENCY_HEADERS :
            scenario.isRpc() ? RPC_THROUGHPUT_HEADERS : THROUGHPUT_HEADERS;
        out.append(String.format(Locale.ROOT, "  %-12s", "system"));
        for (final String header : headers)
        {
            out.append(String.format(Locale.ROOT, " %12s", header));
        }
        out.append(nl);
        row(out, Contender.CONDUIT, conduit, columns);
        row(out, peer, peerResult, columns);
        final Map<String, Double> ratios = ratios();
        if (!ratios.isEmpty())
        {
            out.append(String.format(Locale.ROOT, "  %-12s", "conduit/peer"));
            for (final String column : columns)
            {
                final Double value = ratios.get(column);
                out.append(String.format(Locale.ROOT, " %12s", value == null ? "-" : value + "x"));
            }
            out.append(nl);
        }
        roundsLine(out, Contender.CONDUIT, conduit);
        roundsLine(out, peer, peerResult);
        final Double ratio = ratio();
        if (ratio != null)
        {
            out.append(nl).append(String.format(Locale.ROOT, "  ratio conduit/%s %s: %.3g (%s is better)%n",
                peer.cliName(), scenario.isLatency() ? "p50" : scenario.isRpc() ? "calls/s" : "msgs/s", ratio,
                scenario.isLatency() ? "lower" : "higher"));
        }
        final Double medianRoundRatio = medianRoundRatio();
        if (medianRoundRatio != null)
        {
            out.append(String.format(Locale.ROOT, "  ratio of the median rounds: %.3g%n", medianRoundRatio));
        }
        final Double medianRoundP99Ratio = medianRoundP99Ratio();
        if (medianRoundP99Ratio != null)
        {
            out.append(String.format(Locale.ROOT, "  ratio of the median rounds' p99: %.3g%n", medianRoundP99Ratio));
        }
        return out.toString();
    }

    private static void row(
        final StringBuilder out,
        final Contender contender,
        final ContenderResult result,
        final String[] columns)
    {
        if (result == null)
        {
            return;
        }
        out.append(String.format(Locale.ROOT, "  %-12s", contender.cliName()));
        for (final String column : columns)
        {
            final Object value = result.figures().get(column);
            out.append(String.format(Locale.ROOT, " %12s", value == null ? "-" : value));
        }
        out.append(System.lineSeparator());
    }

    private void roundsLine(final StringBuilder out, final Contender contender, final ContenderResult result)
    {
        if (result != null && result.figures().get("roundHeadlines") != null)
        {
            out.append(String.format(Locale.ROOT, "  %s %s by round: %s%n", contender.cliName(),
                scenario.isLatency() ? "p50 us" : "msgs/s", result.figures().get("roundHeadlines")));
        }
        if (result != null && result.figures().get("roundP99s") != null)
        {
            out.append(String.format(Locale.ROOT, "  %s p99 us by round: %s%n", contender.cliName(),
                result.figures().get("roundP99s")));
        }
    }

    private static String describe(final Object value)
    {
        if (value instanceof Map)
        {
            final StringBuilder out = new StringBuilder();
            for (final Map.Entry<?, ?> entry : ((Map<?, ?>)value).entrySet())
            {
                if (out.length() > 0)
                {
                    out.append(", ");
                }
                out.append(entry.getKey()).append('=').append(entry.getValue());
            }
            return out.toString();
        }
        return String.valueOf(value);
    }
}
