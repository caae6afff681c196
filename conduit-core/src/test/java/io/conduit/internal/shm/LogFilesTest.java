package io.conduit.internal.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.ErrorCode;
import io.conduit.Publication;
import io.conduit.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogFilesTest
{
    @TempDir
    Path directory;

    private Conduit launch()
    {
        return Conduit.launch(new Conduit.Context().shmDirectory(directory).shmCapacity(64 * 1024));
    }

    private Path logOf(final String name) throws IOException
    {
        try (Conduit conduit = launch();
            Subscription ignored = conduit.addSubscription("shm:" + name, 1))
        {
            final Path log = directory.resolve(name + "-1.log");
            final Path copy = directory.resolve("copy.tmp");
            Files.copy(log, copy);
            return copy;
        }
    }

    private void assertRefused(final String name, final String message)
    {
        try (Conduit conduit = launch())
        {
            assertThatThrownBy(() -> conduit.addSubscription("shm:" + name, 1))
                .isInstanceOfSatisfying(ConduitException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_LOG))
                .hasMessageContaining(message)
                .hasMessageContaining("file=" + directory.resolve(name + "-1.log"));
            // The Conduit keeps working for other logs.
            try (Subscription subscription = conduit.addSubscription("shm:healthy", 1);
                Publication publication = conduit.addPublication("shm:healthy", 1))
            {
                assertThat(publication.offer(new byte[8])).isPositive();
                assertThat(subscription.poll((b, o, l, h) -> { }, 1)).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotALog() throws IOException
    {
        Files.write(directory.resolve("garbage-1.log"), new byte[64 * 1024]);
        assertRefused("garbage", "not a Conduit log");
    }

    @Test
    void shouldRefuseALogOfANewerLayout() throws IOException
    {
        final Path log = logOf("newer");
        final byte[] bytes = Files.readAllBytes(log);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(LogDescriptor.VERSION_OFFSET, 2);
        Files.write(directory.resolve("newer-1.log"), bytes);
        Files.delete(log);
        assertRefused("newer", "log of a newer layout: version=2, supported=1");
    }

    @Test
    void shouldRefuseATruncatedLog() throws IOException
    {
        final Path log = logOf("truncated");
        final byte[] bytes = Files.readAllBytes(log);
        Files.write(directory.resolve("truncated-1.log"), Arrays.copyOf(bytes, bytes.length / 2));
        Files.delete(log);
        assertRefused("truncated", "truncated log: length=" + bytes.length / 2);
        Files.write(directory.resolve("short-1.log"), new byte[10]);
        assertRefused("short", "truncated log: length=10");
    }

    @Test
    void shouldRefuseALogOwnedByAnotherUser() throws Exception
    {
        assumeThat(System.getProperty("user.name")).as("only root can give a file away").isEqualTo("root");
        final Path log = directory.resolve("foreign-1.log");
        Files.write(log, new byte[64]);
        Files.setAttribute(log, "unix:uid", 65534);
        assertRefused("foreign", "owned by another user: uid=65534");
    }

    @Test
    void shouldRefuseADirectoryOthersCanRead() throws IOException
    {
        final Path open = directory.resolve("open");
        Files.createDirectory(open, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Conduit conduit = Conduit.launch(new Conduit.Context().shmDirectory(open)))
        {
            assertThatThrownBy(() -> conduit.addPublication("shm:x", 1))
                .isInstanceOf(ConduitException.class)
                .hasMessageContaining("shared-memory directory is not private: directory=" + open);
        }
    }

    @Test
    void shouldDeleteLogsOfDeadProcessesAtStart() throws Exception
    {
        final Path stale = directory.resolve("stale-1.log");
        final Path copy = logOf("stale");
        Files.move(copy, stale);
        // A subscriber slot of a process that has exited.
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        final ByteBuffer slot = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(stale, StandardOpenOption.WRITE))
        {
            final int offset = LogDescriptor.subscriberSlotOffset(0);
            channel.write(slot.putLong(0, LogDescriptor.STATE_ACTIVE), offset + LogDescriptor.SLOT_STATE_OFFSET);
            channel.write(slot.clear().putLong(0, gone.pid()), offset + LogDescriptor.SLOT_PID_OFFSET);
            channel.write(slot.clear().putLong(0, System.currentTimeMillis()),
                offset + LogDescriptor.SLOT_HEARTBEAT_OFFSET);
        }
        try (Conduit conduit = launch();
            Publication ignored = conduit.addPublication("shm:other", 1))
        {
            assertThat(stale).doesNotExist();
        }
    }

    @Test
    void shouldKeepALogWhoseOwnerIsAliveThoughItsHeartbeatIsLate() throws Exception
    {
        final Path log = directory.resolve("late-1.log");
        Files.move(logOf("late"), log);
        // A subscriber slot of this (live) process whose heartbeat is an hour old: stopped, not dead.
        final ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE))
        {
            final int offset = LogDescriptor.subscriberSlotOffset(0);
            channel.write(value.putLong(0, LogDescriptor.STATE_ACTIVE), offset + LogDescriptor.SLOT_STATE_OFFSET);
            channel.write(value.clear().putLong(0, ProcessLiveness.currentPid()),
                offset + LogDescriptor.SLOT_PID_OFFSET);
            channel.write(value.clear().putLong(0, ProcessLiveness.currentStartMs()),
                offset + LogDescriptor.SLOT_PROCESS_START_OFFSET);
            channel.write(value.clear().putLong(0, System.currentTimeMillis() - 3_600_000),
                offset + LogDescriptor.SLOT_HEARTBEAT_OFFSET);
        }
        try (Conduit conduit = launch();
            Publication ignored = conduit.addPublication("shm:other", 1))
        {
            assertThat(log).exists();
        }
    }

    @Test
    void shouldRefuseALogOfAnotherStreamUnderTheSameFileName() throws IOException
    {
        try (Conduit conduit = launch();
            Subscription ignored = conduit.addSubscription("shm:x-", 1))
        {
            assertThatThrownBy(() -> conduit.addSubscription("shm:x", -1))
                .isInstanceOf(ConduitException.class)
                .hasMessageContaining("log belongs to another stream: file=" + directory.resolve("x--1.log") +
                    ", streamId=1, requested=-1");
        }
    }
}
