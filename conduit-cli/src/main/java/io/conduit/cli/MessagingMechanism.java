package io.conduit.cli;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.conduit.Conduit;
import io.conduit.Subscription;

/**
 * A demo row that publishes stamped messages at a fixed rate to a subscription on an endpoint URI, either from the
 * peer process or from a thread of this one, and measures what arrives (see {@link DeliveryRecorder}).
 * <p>
 * This process subscribes, so network endpoints listen here on an ephemeral port and the publisher connects to
 * the port chosen. Loss is what the publisher had accepted but the subscriber never saw, after waiting up to
 * {@value #DRAIN_TIMEOUT_MS} ms for stragglers.
 */
final class MessagingMechanism implements Mechanism
{
    static final int STREAM_ID = 1;

    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long DRAIN_TIMEOUT_MS = 2_000;
    private static final int POLL_LIMIT = 256;

    private final String name;
    private final String subscriptionUri;
    private final boolean betweenProcesses;
    private final boolean tls;

    private MessagingMechanism(
        final String name, final String subscriptionUri, final boolean betweenProcesses, final boolean tls)
    {
        this.name = name;
        this.subscriptionUri = subscriptionUri;
        this.betweenProcesses = betweenProcesses;
        this.tls = tls;
    }

    /**
     * @param name            of the row.
     * @param subscriptionUri where this process subscribes; port 0 picks a free port.
     * @param tls             true to give both sides the demo's TLS key and trust.
     * @return a row whose publisher is the peer process.
     */
    static MessagingMechanism betweenProcesses(final String name, final String subscriptionUri, final boolean tls)
    {
        return new MessagingMechanism(name, subscriptionUri, true, tls);
    }

    /**
     * @param name            of the row.
     * @param subscriptionUri where to publish and subscribe.
     * @return a row whose publisher is a thread of this process.
     */
    static MessagingMechanism withinProcess(final String name, final String subscriptionUri)
    {
        return new MessagingMechanism(name, subscriptionUri, false, false);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void prepare(final DemoRun run)
    {
        if (betweenProcesses)
        {
            run.startPeer();
        }
        if (tls)
        {
            run.tls();
        }
    }

    /**
     * @param context to configure, on either side.
     * @param tlsSource the demo's TLS material, asked for only when this row uses TLS.
     * @return the context.
     */
    Conduit.Context configure(final Conduit.Context context, final Supplier<DemoTls> tlsSource)
    {
        if (tls)
        {
            final DemoTls material = tlsSource.get();
            context.tlsKeyManagerFactory(material.keyManagerFactory())
                .tlsTrustManagerFactory(material.trustManagerFactory());
        }
        return context;
    }

    @Override
    public MechanismResult run(final DemoRun run)
    {
        final DemoSettings settings = run.settings();
        final Conduit.Context context;
        try
        {
            if (betweenProcesses)
            {
                run.peer();
            }
            context = configure(new Conduit.Context(), run::tls);
        }
        catch (final RuntimeException ex)
        {
            return MechanismResult.failed(name, ErrorReporter.describe(ex));
        }

        final long cpuStartNs = ProcessCpu.processCpuNs();
        final long wallStartNs = System.nanoTime();
        try (Conduit conduit = Conduit.launch(context);
            Subscription subscription = conduit.addSubscription(subscriptionUri, STREAM_ID))
        {
            final DeliveryRecorder recorder = new DeliveryRecorder(settings.warmupMessages());
            final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
            PublisherHandle.Outcome outcome = null;
            String failure = null;
            try (PublisherHandle publisher = betweenProcesses ?
                new PeerPublisher(run.peer(), publishRequest(run, subscription)) :
                new LocalPublisher(conduit, subscriptionUri, STREAM_ID, settings, timeoutNs))
            {
                final PollLoop pollLoop = PollLoop.of(settings.idleStrategy());
                final long hardDeadlineNs = wallStartNs + (long)(settings.seconds() * 1e9) + 2 * timeoutNs;
                long drainDeadlineNs = 0;
                while (true)
                {
                    pollLoop.poll(subscription, recorder, POLL_LIMIT);
                    final long nowNs = System.nanoTime();
                    if (outcome == null)
                    {
                        outcome = publisher.pollOutcome();
                        drainDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
                    }
                    else if (recorder.distinct() >= outcome.sent() || nowNs - drainDeadlineNs > 0)
                    {
                        break;
                    }
                    if (nowNs - hardDeadlineNs > 0)
                    {
                        failure = "publisher did not finish: receivedSoFar=" + recorder.received();
                        break;
                    }
                }
            }
            final long wallNs = System.nanoTime() - wallStartNs;
            final long cpuNs = ProcessCpu.processCpuNs() - cpuStartNs + (outcome == null ? 0 : outcome.cpuNs());
            if (outcome != null && outcome.failure() != null)
            {
                failure = outcome.failure();
            }
            return result(recorder.report(), recorder.distinct(), outcome, failure, 100.0 * cpuNs / wallNs);
        }
        catch (final RuntimeException ex)
        {
            return MechanismResult.failed(name, ErrorReporter.describe(ex));
        }
    }

    private PeerMessage publishRequest(final DemoRun run, final Subscription subscription)
    {
        final DemoSettings settings = run.settings();
        final DemoTls material = run.tlsIfMade();
        return new PeerMessage(PeerMessage.PUBLISH)
            .with("mechanism", name)
            .with("uri", subscription.endpoint())
            .with("streamId", STREAM_ID)
            .with("sizeBytes", settings.sizeBytes())
            .with("ratePerSecond", settings.ratePerSecond())
            .with("count", settings.messageCount())
            .with("timeoutMs", CONNECT_TIMEOUT_MS)
            .with("tlsDirectory", tls && material != null ? material.directory() : null)
            .with("tlsPassword", tls && material != null ? material.password() : null);
    }

    private MechanismResult result(
        final DeliveryReport report,
        final long distinct,
        final PublisherHandle.Outcome outcome,
        final String failure,
        final double cpuPercent)
    {
        final long sent = outcome == null ? 0 : outcome.sent();
        final long errors = report.duplicates() + report.outOfOrder() + report.unstamped() + (failure == null ? 0 : 1);
        return new MechanismResult(name, report.received(), report.msgsPerSec(),
            report.p50Us(), report.p99Us(), report.p999Us(), report.maxUs(),
            Math.max(0, sent - distinct), errors, cpuPercent, failure);
    }
}
