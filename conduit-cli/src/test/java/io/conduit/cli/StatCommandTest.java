package io.conduit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.shm.LogSnapshot;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StatCommandTest
{
    @TempDir
    Path directory;

    @Test
    void shouldReportPositionsAndParticipantsOfLiveLogs() throws Exception
    {
        final Path logs = directory.resolve("shm");
        try (Conduit conduit = Conduit.launch(new Conduit.Context().shmDirectory(logs).shmCapacity(64 * 1024));
            Subscription subscription = conduit.addSubscription("shm:orders", 5);
            Publication publication = conduit.addPublication("shm:orders", 5))
        {
            for (int i = 0; i < 3; i++)
            {
                assertThat(publication.offer(new byte[100])).isPositive();
            }
            assertThat(subscription.poll((b, o, l, h) -> { }, 1)).isEqualTo(1);
            Files.write(logs.resolve("junk-1.log"), new byte[16]);
            awaitPublishedMessageCount(logs.resolve("orders-5.log"), 3);

            final CliRun run = CliRun.run("stat", "--dir", logs.toString(), "--json");

            assertThat(run.exitCode()).isZero();
            final String json = run.lastOutLine();
            assertThat(json).contains("\"file\":\"" + logs.resolve("orders-5.log") + "\"")
                .contains("\"streamId\":5", "\"capacity\":65536", "\"tail\":480", "\"subscribers\":1")
                .contains("{\"role\":\"publisher\",\"state\":\"active\",\"pid\":" + ProcessHandle.current().pid() +
                    ",\"alive\":true")
                .contains("\"position\":480,\"messages\":3,\"sessionId\":" + publication.sessionId() +
                    ",\"backPressured\":0")
                .contains("\"position\":160,\"messages\":1,\"lagBytes\":320")
                .contains("truncated log: length=16: file=" + logs.resolve("junk-1.log"));
            assertThat(CliRun.run("stat", "--dir", logs.toString()).out())
                .contains("orders-5.log  stream 5  capacity 65536  tail 480  subscribers 1");
        }
    }

    /**
     * A publisher's message count reaches its slot with the conductor's next heartbeat, a tenth of the liveness
     * timeout (100 ms) after the offers: poll the slot for it, and fail clearly if it never comes.
     */
    private static void awaitPublishedMessageCount(final Path log, final long messages) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (LogSnapshot.read(log).participants().stream()
            .noneMatch(p -> "publisher".equals(p.role()) && p.messages() == messages))
        {
            assertThat(System.nanoTime() - deadlineNs)
                .as("publisher's message count never reached its slot: expected=%d, log=%s", messages, log)
                .isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
