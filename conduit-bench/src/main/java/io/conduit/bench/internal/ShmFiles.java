package io.conduit.bench.internal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Files of the shared-memory peers: private to this user (0600), under {@code /dev/shm} on Linux (the temporary
 * directory elsewhere), named {@code conduit-bench-<user>-<run>...} so that a run can remove all of its own.
 */
final class ShmFiles
{
    private static final Path DEV_SHM = Path.of("/dev/shm");
    private static final AtomicLong RUNS = new AtomicLong();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private ShmFiles()
    {
    }

    /**
     * @return a name unique to one run on this host: the harness's pid, the time and a counter.
     */
    static String newRunName()
    {
        return "cb" + ProcessHandle.current().pid() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" +
            RUNS.incrementAndGet();
    }

    /**
     * @return {@code /dev/shm} where it is a writable directory, otherwise the temporary directory.
     */
    static Path directory()
    {
        if (Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM))
        {
            return DEV_SHM;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * @param runName of the run.
     * @param role    what the file or directory is for, such as {@code pingpong} or {@code aeron}.
     * @return its path.
     */
    static Path path(final String runName, final String role)
    {
        return directory().resolve(prefix(runName) + role);
    }

    /**
     * Create a file that only this user can read and write, of the given length, and map it.
     *
     * @param file        to create; it must not exist.
     * @param lengthBytes of the file.
     * @return the mapping, little-endian.
     * @throws IOException when it exists or cannot be created.
     */
    static MappedByteBuffer create(final Path file, final int lengthBytes) throws IOException
    {
        final Set<StandardOpenOption> options =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final FileAttribute<?>[] attributes = FileSystems.getDefault().supportedFileAttributeViews().contains("posix") ?
            new FileAttribute<?>[] {OWNER_ONLY} : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file, options, attributes))
        {
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        }
    }

    /**
     * Map a file made by {@link #create(Path, int)} in another process.
     *
     * @param file        to open.
     * @param lengthBytes expected.
     * @return the mapping, little-endian.
     * @throws IOException when it cannot be opened.
     * @throws IllegalStateException when its length is not the one expected.
     */
    static MappedByteBuffer open(final Path file, final int lengthBytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            if (channel.size() != lengthBytes)
            {
                throw new IllegalStateException("shared-memory file of another layout: file=" + file +
                    ", lengthBytes=" + channel.size() + ", expected=" + lengthBytes);
            }
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        }
    }

    /**
     * Delete every file and directory of a run, such as those a killed side left behind.
     *
     * @param runName of the run.
     * @return how many top-level entries were deleted.
     * @throws IOException when one cannot be deleted.
     */
    static int deleteRun(final String runName) throws IOException
    {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory(), prefix(runName) + "*"))
        {
            for (final Path entry : entries)
            {
                deleteTree(entry);
                deleted++;
            }
        }
        return deleted;
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String prefix(final String runName)
    {
        return "conduit-bench-" + System.getProperty("user.name") + "-" + runName + "-";
    }
}
