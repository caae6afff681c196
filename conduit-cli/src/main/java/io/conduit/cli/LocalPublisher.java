package io.conduit.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.conduit.Conduit;
import io.conduit.Publication;

/**
 * Publishes on a thread of this process, for mechanisms within one JVM. The publication stays open until closed.
 */
final class LocalPublisher implements PublisherHandle
{
    private static final long JOIN_TIMEOUT_MS = 5_000;

    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final Thread thread;
    private volatile Outcome outcome;
    private volatile boolean stopRequested;

    /**
     * Start publishing.
     *
     * @param conduit   to publish with.
     * @param uri       to publish to.
     * @param streamId  to publish on.
     * @param settings  of the demo.
     * @param timeoutNs longest to wait for a subscriber, or for one message to be accepted.
     */
    LocalPublisher(
        final Conduit conduit, final String uri, final int streamId, final DemoSettings settings, final long timeoutNs)
    {
        thread = new Thread(() -> publish(conduit, uri, streamId, settings, timeoutNs), "conduit-demo-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    private void publish(
        final Conduit conduit, final String uri, final int streamId, final DemoSettings settings, final long timeoutNs)
    {
        try (Publication publication = conduit.addPublication(uri, streamId))
        {
            final PublishReport report = new StampedPublisher(publication, settings.sizeBytes(),
                settings.ratePerSecond()).run(settings.messageCount(), timeoutNs, () -> stopRequested);
            outcome = new Outcome(report.sent(), report.backPressured(), 0, report.failure());
            closeRequested.await();
        }
        catch (final RuntimeException ex)
        {
            outcome = new Outcome(0, 0, 0, ErrorReporter.describe(ex));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Outcome pollOutcome()
    {
        return outcome;
    }

    @Override
    public void close()
    {
        stopRequested = true;
        closeRequested.countDown();
        try
        {
            thread.join(JOIN_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
