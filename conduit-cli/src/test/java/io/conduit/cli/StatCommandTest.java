package io.conduit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.Publication;
import io.conduit.Subscription;

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

            final CliRun run = CliRun.run("stat", "--dir", logs.toString(), "--json");

            assertThat(run.exitCode()).isZero();
            final String json = run.lastOutLine();
            assertThat(json).contains("\"file\":\"" + logs.resolve("orders-5.log") + "\"")
                .contains("\"streamId\":5", "\"capacity\":65536", "\"tail\":480", "\"subscribers\":1")
                .contains("{\"role\":\"publisher\",\"state\":\"active\",\"pid\":" + ProcessHandle.current().pid() +
                    ",\"alive\":true")
                .contains("\"sessionId\":" + publication.sessionId() + ",\"backPressured\":0")
                .contains("\"position\":160,\"messages\":1,\"lagBytes\":320")
                .contains("truncated log: length=16: file=" + logs.resolve("junk-1.log"));
            assertThat(CliRun.run("stat", "--dir", logs.toString()).out())
                .contains("orders-5.log  stream 5  capacity 65536  tail 480  subscribers 1");
        }
    }
}
