package io.conduit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.Conduit;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StampedPublisherTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    @Test
    void shouldStampScheduledSendTimesSpacedByTheRate()
    {
        try (Conduit conduit = Conduit.launch();
            Subscription subscription = conduit.addSubscription("inproc:stamped-rate", 1);
            Publication publication = conduit.addPublication("inproc:stamped-rate", 1))
        {
            final StampedPublisher publisher = new StampedPublisher(publication, 64, 20_000);

            final PublishReport report = publisher.run(500, TIMEOUT_NS, () -> false);

            assertThat(report.failure()).isNull();
            assertThat(report.sent()).isEqualTo(500);
            assertThat(report.elapsedNs()).isGreaterThanOrEqualTo(499 * 50_000L);
            final List<long[]> stamps = new ArrayList<>();
            final MessageHandler recordStamp = (buffer, offset, length, header) -> stamps.add(new long[] {
                StampDescriptor.sequence(buffer, offset), StampDescriptor.sendTimeNs(buffer, offset), length});
            int delivered;
            do
            {
                delivered = subscription.poll(recordStamp, 100);
            }
            while (delivered > 0);

            assertThat(stamps).hasSize(500);
            final long firstSendNs = stamps.get(0)[1];
            for (int n = 0; n < stamps.size(); n++)
            {
                assertThat(stamps.get(n)[0]).isEqualTo(n);
                assertThat(stamps.get(n)[1] - firstSendNs).isBetween(n * 50_000L - 1, n * 50_000L + 1);
                assertThat(stamps.get(n)[2]).isEqualTo(64);
            }
        }
    }

    @Test
    void shouldStopWithFailureWhenBackPressuredLongerThanTimeout()
    {
        try (Conduit conduit = Conduit.launch();
            Subscription ignored = conduit.addSubscription("inproc:stamped-stuck?capacity=64k", 1);
            Publication publication = conduit.addPublication("inproc:stamped-stuck", 1))
        {
            final PublishReport report = new StampedPublisher(publication, 1024, 0)
                .run(0, TimeUnit.MILLISECONDS.toNanos(200), () -> false);

            assertThat(report.sent()).isPositive().isLessThan(64);
            assertThat(report.backPressured()).isPositive();
            assertThat(report.failure()).startsWith("no progress: lastResult=BACK_PRESSURED");
        }
    }

    @Test
    void shouldRefuseMessagesTooShortForTheStamp()
    {
        try (Conduit conduit = Conduit.launch();
            Publication publication = conduit.addPublication("inproc:stamped-short", 1))
        {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> new StampedPublisher(publication, 8, 0))
                .withMessage("message size too small for the stamp: sizeBytes=8, minimum=16");
        }
    }
}
