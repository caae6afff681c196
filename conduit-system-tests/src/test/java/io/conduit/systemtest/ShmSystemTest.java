package io.conduit.systemtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.Counter;
import io.conduit.MessageHandler;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.shm.HalfWrittenPublisherMain;
import io.conduit.internal.shm.LogSnapshot;
import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared memory between processes: many publishers to many subscribers exactly once and in order, a killed
 * subscriber stops holding publishers back within the liveness timeout, and a publisher killed mid-message
 * leaves everyone else running with nothing corrupted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShmSystemTest
{
    private static final long LIVENESS_TIMEOUT_MS = 500;
    private static final long DETECTION_SLACK_MS = 1_500;
    private static final Pattern CLAIMED = Pattern.compile("^CLAIMED position=(\\d+) length=(\\d+)");

    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @TempDir
    Path directory;

    private List<String> settings(final String capacity)
    {
        return Children.properties(
            "conduit.shm.dir", directory.toString(),
            "conduit.shm.capacity", capacity,
            "conduit.shm.liveness.timeout.ms", Long.toString(LIVENESS_TIMEOUT_MS));
    }

    private Conduit launch(final int capacity)
    {
        return Conduit.launch(new Conduit.Context()
            .shmDirectory(directory)
            .shmCapacity(capacity)
            .shmLivenessTimeoutMs(LIVENESS_TIMEOUT_MS));
    }

    @Test
    void shouldDeliverTenMillionMessagesFromTwoPublishersToTwoSubscribersExactlyOnceInOrder()
    {
        final long perPublisher = 5_000_000;
        final String uri = "shm:ten-million";
        final JavaProcess first = Children.subscriber(processes, "subscriber-1", settings("4m"), uri, 1,
            2 * perPublisher);
        final JavaProcess second = Children.subscriber(processes, "subscriber-2", settings("4m"), uri, 1,
            2 * perPublisher);
        final long startNs = System.nanoTime();
        final JavaProcess publisherA = Children.publisher(processes, "publisher-a", settings("4m"), uri, 1,
            perPublisher, 32, 0);
        final JavaProcess publisherB = Children.publisher(processes, "publisher-b", settings("4m"), uri, 1,
            perPublisher, 32, 0);

        final Status firstDone = Status.of(first.awaitLine(Status.DONE, Duration.ofSeconds(150)));
        final Status secondDone = Status.of(second.awaitLine(Status.DONE, Duration.ofSeconds(30)));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        System.out.printf("2 x 5,000,000 x 32 B over shm to 2 subscribers in %d ms (including JVM start)%n",
            elapsedMs);

        assertThat(Status.of(publisherA.awaitLine(Status.DONE, Duration.ofSeconds(10))).get("sent"))
            .isEqualTo(perPublisher);
        assertThat(Status.of(publisherB.awaitLine(Status.DONE, Duration.ofSeconds(10))).get("sent"))
            .isEqualTo(perPublisher);
        for (final Status done : List.of(firstDone, secondDone))
        {
            done.assertDeliveredExactlyOnceInOrder(2 * perPublisher, 2);
            assertThat(done.get("headerMismatches")).isZero();
            assertThat(done.get("subEVICTIONS")).isZero();
            assertThat(done.get("subINCOMPLETE_MESSAGES")).isZero();
        }
        // One log, one order: both subscribers saw the two publishers' messages interleaved the same way.
        assertThat(firstDone.get("orderDigest")).isEqualTo(secondDone.get("orderDigest"));
    }

    @Test
    void shouldStopBackPressuringWithinTheLivenessTimeoutWhenASubscriberIsKilled() throws Exception
    {
        final String uri = "shm:killed-subscriber";
        final JavaProcess doomed = Children.subscriber(processes, "doomed", settings("64k"), uri, 1, 0);
        try (Conduit conduit = launch(64 * 1024);
            Publication publication = conduit.addPublication(uri, 1))
        {
            final byte[] message = new byte[256];
            awaitStatus(doomed, s -> s.getOrZero("received") > 0, publication, message);
            doomed.kill();
            final long killedNs = System.nanoTime();
            long backPressured = 0;
            long result;
            do
            {
                result = publication.offer(message);
                if (result == Publication.BACK_PRESSURED)
                {
                    backPressured++;
                }
                assertThat(System.nanoTime() - killedNs).isLessThan(TimeUnit.SECONDS.toNanos(10));
            }
            while (result != Publication.NOT_CONNECTED);
            final long freedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            System.out.printf("killed subscriber stopped back-pressuring after %d ms (timeout %d ms)%n",
                freedMs, LIVENESS_TIMEOUT_MS);
            assertThat(backPressured).as("the dead subscriber held the publisher back until evicted").isPositive();
            assertThat(freedMs).isLessThanOrEqualTo(LIVENESS_TIMEOUT_MS + DETECTION_SLACK_MS);
            assertThat(LogSnapshot.read(directory.resolve("killed-subscriber-1.log")).evictions()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepServingTheLiveSubscriberWhenAnotherIsKilled() throws Exception
    {
        final String uri = "shm:one-killed";
        final JavaProcess doomed = Children.subscriber(processes, "doomed", settings("64k"), uri, 1, 0);
        try (Conduit conduit = launch(64 * 1024);
            Subscription live = conduit.addSubscription(uri, 1);
            Publication publication = conduit.addPublication(uri, 1))
        {
            final byte[] message = new byte[256];
            final long[] received = {0};
            final MessageHandler counting = (buffer, offset, length, header) -> received[0]++;
            long sent = 0;
            final long startNs = System.nanoTime();
            while (Status.latest(doomed).getOrZero("received") == 0)
            {
                sent += publication.offer(message) > 0 ? 1 : 0;
                live.poll(counting, 100);
                assertThat(System.nanoTime() - startNs).isLessThan(TimeUnit.SECONDS.toNanos(30));
            }
            doomed.kill();
            final long killedNs = System.nanoTime();

            // Two rings' worth can only get through once the dead subscriber no longer holds the log.
            final long target = sent + 2 * (64 * 1024 / 288);
            long backPressured = 0;
            while (sent < target)
            {
                final long result = publication.offer(message);
                if (result > 0)
                {
                    sent++;
                }
                else
                {
                    assertThat(result).as("offer with a live subscriber").isEqualTo(Publication.BACK_PRESSURED);
                    backPressured++;
                }
                live.poll(counting, 100);
                assertThat(System.nanoTime() - killedNs).isLessThan(TimeUnit.SECONDS.toNanos(10));
            }
            final long freedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            System.out.printf("one of two subscribers killed: the publisher got past it after %d ms (timeout %d ms)%n",
                freedMs, LIVENESS_TIMEOUT_MS);
            while (received[0] < sent)
            {
                live.poll(counting, 100);
                assertThat(System.nanoTime() - killedNs).isLessThan(TimeUnit.SECONDS.toNanos(20));
            }

            assertThat(backPressured).as("the dead subscriber held the publisher back until evicted").isPositive();
            assertThat(freedMs).isLessThanOrEqualTo(LIVENESS_TIMEOUT_MS + DETECTION_SLACK_MS);
            assertThat(received[0]).as("the live subscriber lost nothing").isEqualTo(sent);
            assertThat(live.counters().get(Counter.EVICTIONS)).isZero();
            assertThat(publication.isConnected()).isTrue();
            assertThat(LogSnapshot.read(directory.resolve("one-killed-1.log")).evictions()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepHoldingPublishersBackForAStoppedSubscriberAndLoseNothing()
    {
        final String uri = "shm:stopped-subscriber";
        final JavaProcess stopped = Children.subscriber(processes, "stopped", settings("64k"), uri, 1, 0);
        try (Conduit conduit = launch(64 * 1024);
            Publication publication = conduit.addPublication(uri, 1))
        {
            final byte[] message = new byte[256];
            final long[] sent = {0};
            final LongSupplier offerNext = () ->
            {
                Payloads.encode(message, sent[0]);
                final long result = publication.offer(message);
                if (result > 0)
                {
                    sent[0]++;
                }
                return result;
            };
            final long startNs = System.nanoTime();
            while (Status.latest(stopped).getOrZero("received") < 100)
            {
                offerNext.getAsLong();
                assertThat(System.nanoTime() - startNs).isLessThan(TimeUnit.SECONDS.toNanos(30));
            }
            stopped.suspend();
            // Three liveness timeouts: a stopped process is not a dead one, so it keeps its unread messages.
            final long stoppedNs = System.nanoTime();
            long acceptedWhileStopped = 0;
            while (System.nanoTime() - stoppedNs < TimeUnit.MILLISECONDS.toNanos(3 * LIVENESS_TIMEOUT_MS))
            {
                if (offerNext.getAsLong() > 0)
                {
                    acceptedWhileStopped++;
                }
            }
            assertThat(acceptedWhileStopped).as("no more than a ring of messages").isLessThan(64 * 1024 / 256);
            stopped.resume();
            final long resumedNs = System.nanoTime();
            final long target = sent[0] + 1_000;
            while (sent[0] < target)
            {
                offerNext.getAsLong();
                assertThat(System.nanoTime() - resumedNs).isLessThan(TimeUnit.SECONDS.toNanos(30));
            }
            final Status status = Status.await(stopped, s -> s.getOrZero("received") >= target, Duration.ofSeconds(30));
            assertThat(status.get("received")).isEqualTo(target);
            assertThat(status.get("gaps")).isZero();
            assertThat(status.get("duplicates")).isZero();
            assertThat(status.get("corrupt")).isZero();
            assertThat(status.get("subEVICTIONS")).isZero();
        }
    }

    @Test
    void shouldPadOverAPublisherKilledMidMessageAndKeepEveryoneElseRunning() throws Exception
    {
        final String uri = "shm:killed-publisher";
        final JavaProcess first = Children.subscriber(processes, "subscriber-1", settings("1m"), uri, 1, 0);
        final JavaProcess second = Children.subscriber(processes, "subscriber-2", settings("1m"), uri, 1, 0);
        final JavaProcess steady = Children.publisher(processes, "steady", settings("1m"), uri, 1, 0, 100, 20_000);
        Status.await(first, s -> s.getOrZero("received") >= 1_000, Duration.ofSeconds(30));

        final JavaProcess halfWriter = processes.start("half-writer", List.of(), HalfWrittenPublisherMain.class,
            directory.toString(), "killed-publisher", "1", Long.toString(LIVENESS_TIMEOUT_MS));
        final Matcher claimed = halfWriter.awaitLine(CLAIMED, Children.START_TIMEOUT);
        final long claimEnd = Long.parseLong(claimed.group(1)) + Long.parseLong(claimed.group(2));
        halfWriter.kill();
        final long killedNs = System.nanoTime();

        // Both subscribers get past the dead claim and keep receiving the steady publisher's messages.
        final Status firstAfter = awaitReceivedBeyond(first, Status.latest(first).getOrZero("received") + 20_000);
        final Status secondAfter = awaitReceivedBeyond(second, Status.latest(second).getOrZero("received") + 20_000);
        System.out.printf("subscribers past the dead publisher's claim %d ms after the kill%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));

        for (final Status status : List.of(firstAfter, secondAfter))
        {
            assertThat(status.get("gaps")).isZero();
            assertThat(status.get("duplicates")).isZero();
            assertThat(status.get("outOfOrder")).isZero();
            assertThat(status.get("corrupt")).isZero();
            assertThat(status.get("sessions")).isEqualTo(1);
            assertThat(status.get("subINCOMPLETE_MESSAGES")).isEqualTo(1);
            assertThat(status.get("subPROTOCOL_ERRORS")).isZero();
        }
        final LogSnapshot snapshot = LogSnapshot.read(directory.resolve("killed-publisher-1.log"));
        assertThat(snapshot.paddedGaps()).isEqualTo(1);
        assertThat(snapshot.tail()).isGreaterThan(claimEnd);
        assertThat(steady.isAlive()).isTrue();
    }

    @Test
    void shouldKeepEveryoneElseRunningWhenARealPublisherIsKilledWhileSendingFragmentedMessages()
    {
        final String uri = "shm:killed-sender";
        final JavaProcess first = Children.subscriber(processes, "subscriber-1", settings("1m"), uri, 1, 0);
        final JavaProcess second = Children.subscriber(processes, "subscriber-2", settings("1m"), uri, 1, 0);
        final JavaProcess steady = Children.publisher(processes, "steady", settings("1m"), uri, 1, 0, 100, 20_000);
        // 200 KB messages, each in several frames, as fast as the log takes them: a SIGKILL at any moment most
        // likely lands in the middle of one.
        final JavaProcess doomed = Children.publisher(processes, "doomed", settings("1m"), uri, 1, 0, 200_000, 0);
        Status.await(first, s -> s.getOrZero("sessions") == 2 && s.getOrZero("received") >= 2_000,
            Duration.ofSeconds(30));
        Status.await(second, s -> s.getOrZero("sessions") == 2, Duration.ofSeconds(30));

        doomed.kill();
        final long killedNs = System.nanoTime();

        final Status firstAfter = awaitReceivedBeyond(first, Status.latest(first).getOrZero("received") + 20_000);
        final Status secondAfter = awaitReceivedBeyond(second, Status.latest(second).getOrZero("received") + 20_000);
        System.out.printf("subscribers carried on %d ms after a sending publisher was killed%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));
        for (final Status status : List.of(firstAfter, secondAfter))
        {
            assertThat(status.get("corrupt")).as(status.toString()).isZero();
            assertThat(status.get("gaps")).isZero();
            assertThat(status.get("duplicates")).isZero();
            assertThat(status.get("outOfOrder")).isZero();
            assertThat(status.get("sessions")).isEqualTo(2);
            assertThat(status.get("headerMismatches")).isZero();
            assertThat(status.get("subPROTOCOL_ERRORS")).isZero();
            // The message it was writing, if it was writing one, is discarded whole and counted.
            assertThat(status.get("subINCOMPLETE_MESSAGES")).isBetween(0L, 1L);
        }
        assertThat(steady.isAlive()).isTrue();
    }

    private static Status awaitReceivedBeyond(final JavaProcess subscriber, final long received)
    {
        return Status.await(subscriber, s -> s.getOrZero("received") >= received, Duration.ofSeconds(30));
    }

    private static void awaitStatus(
        final JavaProcess process,
        final java.util.function.Predicate<Status> condition,
        final Publication publication,
        final byte[] message)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.test(Status.latest(process)))
        {
            publication.offer(message);
            assertThat(System.nanoTime() - deadlineNs).isNegative();
            Thread.onSpinWait();
        }
    }
}
