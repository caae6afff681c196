package io.conduit.cli;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.Publication;
import io.conduit.Subscription;
import io.conduit.internal.FrameDescriptor;
import io.conduit.internal.shm.LogDescriptor;
import io.conduit.internal.shm.LogSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            offerThreeAndReadOne(publication, subscription);
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

    @Test
    void shouldReadLiveLogsFromAnotherProcessWhileTheyAreWritten() throws Exception
    {
        final Path logs = directory.resolve("shm");
        try (Conduit conduit = Conduit.launch(new Conduit.Context().shmDirectory(logs).shmCapacity(64 * 1024));
            Subscription subscription = conduit.addSubscription("shm:live", 9);
            Publication publication = conduit.addPublication("shm:live", 9))
        {
            // This JVM keeps publishing and reading while another one runs conduit stat on the same files.
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread traffic = new Thread(() ->
            {
                final byte[] message = new byte[100];
                while (!stop.get())
                {
                    publication.offer(message);
                    subscription.poll((b, o, l, h) -> { }, 100);
                }
            }, "traffic");
            traffic.start();
            try
            {
                final Process stat = new ProcessBuilder(JavaProcess.command(ConduitCommand.class,
                    "stat", "--dir", logs.toString(), "--json"))
                    .redirectOutput(directory.resolve("stat.out").toFile())
                    .redirectError(directory.resolve("stat.err").toFile())
                    .start();
                assertThat(stat.waitFor(40, TimeUnit.SECONDS)).isTrue();
                assertThat(stat.exitValue()).as(ProcessOutputs.read(directory, "stat.err")).isZero();
            }
            finally
            {
                stop.set(true);
                traffic.join();
            }
            assertThat(ProcessOutputs.lastLine(directory, "stat.out"))
                .contains("\"file\":\"" + logs.resolve("live-9.log") + "\"", "\"streamId\":9", "\"subscribers\":1")
                .contains("{\"role\":\"publisher\",\"state\":\"active\",\"pid\":" + ProcessHandle.current().pid() +
                    ",\"alive\":true")
                .contains("{\"role\":\"subscriber\",\"state\":\"active\"");
            assertThat(publication.offer(new byte[100])).as("stat disturbed nothing").isPositive();
        }
    }

    @Test
    void shouldReportEvictionsAndTheBytesASubscriberLost() throws Exception
    {
        final Path logs = directory.resolve("shm");
        try (Conduit conduit = Conduit.launch(new Conduit.Context().shmDirectory(logs).shmCapacity(64 * 1024));
            Subscription subscription = conduit.addSubscription("shm:orders", 5);
            Publication publication = conduit.addPublication("shm:orders", 5))
        {
            offerThreeAndReadOne(publication, subscription);
            // Another process scribbles an unknown type over the second frame: the subscriber reports it, steps
            // aside, and rejoins at the tail, losing the two frames from there (320 bytes).
            try (FileChannel channel = FileChannel.open(logs.resolve("orders-5.log"), StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(new byte[] {99, 0}),
                    LogDescriptor.dataOffset() + 160 + FrameDescriptor.TYPE_OFFSET);
            }
            assertThatThrownBy(() -> subscription.poll((b, o, l, h) -> { }, 10))
                .isInstanceOf(ConduitException.class).hasMessageContaining("corrupt frame");
            assertThat(subscription.poll((b, o, l, h) -> { }, 10)).isZero();

            final String json = CliRun.run("stat", "--dir", logs.toString(), "--json").lastOutLine();
            assertThat(json).contains("\"evictions\":1")
                .contains("\"position\":480,\"messages\":1,\"lagBytes\":0,\"skippedBytes\":320");
            final String text = CliRun.run("stat", "--dir", logs.toString()).out();
            assertThat(text).contains("evictions 1").contains("skipped bytes");
            assertThat(text.lines().filter(line -> line.trim().startsWith("subscriber")))
                .singleElement().satisfies(line -> assertThat(line.trim()).endsWith(" -            320"));
        }
    }

    /**
     * Three 100-byte messages (160 framed bytes each, 480 in all), of which the subscriber reads the first.
     */
    private static void offerThreeAndReadOne(final Publication publication, final Subscription subscription)
    {
        for (int i = 0; i < 3; i++)
        {
            assertThat(publication.offer(new byte[100])).isPositive();
        }
        assertThat(subscription.poll((b, o, l, h) -> { }, 1)).isEqualTo(1);
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
