package io.conduit.bench.internal;

import java.util.LinkedHashMap;
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
    private static final String[] RPC_THROUGHPUT_COLUMNS = {"msgsPerSec", "mbPerSec", "p50Us", "p99Us", "p999Us",
        "maxUs", "messages"};
    private static final String[] RPC_THROUGHPUT_HEADERS = {"calls/s", "MB/s", "p50 us", "p99 us", "p99.9 us",
        "max us", "calls"};

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
     * @return Conduit's p99 over the peer's in a latency scenario, to 3 significant digits, or null.
     */
    public Double ratioP99()
    {
        if (!scenario.isLatency() || conduit == null || peerResult == null)
        {
            return null;
        }
        final double peerP99 = ((Number)peerResult.figures().get("p99Us")).doubleValue();
        final double conduitP99 = ((Number)conduit.figures().get("p99Us")).doubleValue();
        return peerP99 == 0 ? null : ContenderResult.threeSignificantDigits(conduitP99 / peerP99);
    }

    /**
     * @return one JSON object: {@code scenario}, {@code conduit}, {@code peer}, {@code ratio}, {@code ratioOf},
     * {@code ratioP99} in latency scenarios, and {@code settings}.
     */
    public String toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario.cliName());
        json.put("conduit", conduit == null ? null : conduit.figures());
        json.put("peer", peerResult == null ? null : named(peer, peerResult));
        json.put("ratio", ratio());
        json.put("ratioOf", scenario.isLatency() ? "p50Us" : "msgsPerSec");
        if (scenario.isLatency())
        {
            json.put("ratioP99", ratioP99());
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
        final Double ratio = ratio();
        if (ratio != null)
        {
            out.append(nl).append(String.format(Locale.ROOT, "  ratio conduit/%s %s: %.3g (%s is better)%n",
                peer.cliName(), scenario.isLatency() ? "p50" : scenario.isRpc() ? "calls/s" : "msgs/s", ratio,
                scenario.isLatency() ? "lower" : "higher"));
        }
        final Double ratioP99 = ratioP99();
        if (ratioP99 != null)
        {
            out.append(String.format(Locale.ROOT, "  ratio conduit/%s p99: %.3g (lower is better)%n",
                peer.cliName(), ratioP99));
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
