package io.conduit.internal.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.conduit.ConduitException;
import io.conduit.ErrorCode;

/**
 * The directory of one user's shared-memory logs: {@code /dev/shm/conduit-<user>} on Linux, else
 * {@code <java.io.tmpdir>/conduit-<user>}. The directory is private (0700) and so is every log (0600); a
 * directory or file that is not private, not ours, or not a log this version understands is refused with an
 * error naming it. Logs are created, joined and deleted under a lock that covers the directory across
 * processes, so a log is never deleted while another process joins it.
 */
public final class LogFiles
{
    /** Suffix of log files. */
    public static final String SUFFIX = ".log";

    private static final Logger LOG = LoggerFactory.getLogger(LogFiles.class);
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final String LOCK_FILE = ".lock";
    private static final String NEW_SUFFIX = ".new-";
    /** File locks belong to the process, so threads of one process also take turns here. */
    private static final Object PROCESS_LOCK = new Object();

    private final Path directory;
    private final long livenessTimeoutMs;

    /**
     * @param directory         of the logs; created private when missing.
     * @param livenessTimeoutMs after which a silent process counts as dead.
     * @throws ConduitException when the directory cannot be made or is not private to this user.
     */
    public LogFiles(final Path directory, final long livenessTimeoutMs)
    {
        this.directory = directory;
        this.livenessTimeoutMs = livenessTimeoutMs;
        ensurePrivateDirectory(directory);
    }

    /**
     * @return the default directory of this user's logs.
     */
    public static Path defaultDirectory()
    {
        final String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        final Path devShm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(devShm) && Files.isWritable(devShm) ?
            devShm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("conduit-" + user);
    }

    /**
     * @return the directory of the logs.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param name     of the endpoint.
     * @param streamId of the stream.
     * @return the path of that log.
     */
    public Path pathOf(final String name, final int streamId)
    {
        return directory.resolve(name + "-" + streamId + SUFFIX);
    }

    /**
     * Run an action while holding the directory lock.
     */
    <T> T locked(final Callable<T> action)
    {
        synchronized (PROCESS_LOCK)
        {
            try (FileChannel channel = openLockFile();
                FileLock ignored = channel.lock())
            {
                return action.call();
            }
            catch (final ConduitException | IllegalArgumentException ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                throw new ConduitException(ErrorCode.INVALID_LOG,
                    "shared-memory directory failed: directory=" + directory + ", error=" + ex, ex);
            }
        }
    }

    private FileChannel openLockFile() throws IOException
    {
        final Path lockFile = directory.resolve(LOCK_FILE);
        final Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return isPosix(lockFile) ?
            FileChannel.open(lockFile, options, PosixFilePermissions.asFileAttribute(PRIVATE_FILE)) :
            FileChannel.open(lockFile, options);
    }

    /**
     * Map a log, creating it when missing or when every process that used it is gone. Call under
     * {@link #locked}.
     *
     * @param name              of the endpoint.
     * @param streamId          of the stream.
     * @param requestedCapacity of the data ring, or 0 to take an existing log's and {@code defaultCapacity} for
     *                          a new one.
     * @param defaultCapacity   of a new log when none is requested.
     * @return the mapped log.
     */
    MappedLog open(final String name, final int streamId, final int requestedCapacity, final int defaultCapacity)
        throws IOException
    {
        final Path path = pathOf(name, streamId);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            if (isInUse(path))
            {
                final MappedLog existing = map(path);
                requireCompatible(existing, streamId, requestedCapacity);
                return existing;
            }
            Files.delete(path);
        }
        create(path, requestedCapacity == 0 ? defaultCapacity : requestedCapacity, streamId);
        return map(path);
    }

    /**
     * Check that a log in use is the one asked for.
     *
     * @param log               mapped.
     * @param streamId          asked for: {@code shm:x-} stream 1 and {@code shm:x} stream -1 share a file name.
     * @param requestedCapacity asked for, or 0 for any.
     * @throws ConduitException naming the file and the difference.
     */
    static void requireCompatible(final MappedLog log, final int streamId, final int requestedCapacity)
    {
        final LogBuffer buffer = log.buffer();
        if (buffer.streamId() != streamId)
        {
            throw new ConduitException(ErrorCode.INVALID_LOG, "log belongs to another stream: file=" + log.path() +
                ", streamId=" + buffer.streamId() + ", requested=" + streamId);
        }
        if (requestedCapacity != 0 && requestedCapacity != buffer.capacity())
        {
            throw new ConduitException(ErrorCode.INVALID_LOG, "log exists with another capacity: file=" +
                log.path() + ", capacity=" + buffer.capacity() + ", requested=" + requestedCapacity);
        }
    }

    /**
     * Delete a log when no live process uses it any more. Call under {@link #locked}.
     *
     * @param log this process no longer uses.
     */
    void deleteIfUnused(final MappedLog log) throws IOException
    {
        if (log.slots().hasLiveOwner())
        {
            return;
        }
        final Path path = log.path();
        try
        {
            final Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
            // Another process may have replaced a stale log with a new one of the same name: leave that alone.
            if (key == null || key.equals(log.fileKey()))
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final NoSuchFileException ignored)
        {
            // Already gone.
        }
    }

    /**
     * Delete the logs of this directory that no live process uses.
     *
     * @return the paths deleted.
     */
    public List<Path> deleteStale()
    {
        return locked(() ->
        {
            final List<Path> deleted = new ArrayList<>();
            for (final Path path : list())
            {
                try
                {
                    if (!isInUse(path))
                    {
                        Files.deleteIfExists(path);
                        deleted.add(path);
                    }
                }
                catch (final ConduitException | IOException ex)
                {
                    LOG.warn("left a file that is not a usable log: {}", ex.getMessage());
                }
            }
            deleteAbandonedNewLogs(deleted);
            return deleted;
        });
    }

    /**
     * @return the log files in the directory, sorted.
     */
    public List<Path> list() throws IOException
    {
        final List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX))
        {
            stream.forEach(paths::add);
        }
        paths.sort(null);
        return paths;
    }

    /**
     * @return true when a process that runs owns a slot of the log; reads only the header and the slots.
     */
    private boolean isInUse(final Path path) throws IOException
    {
        validate(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, LogDescriptor.dataOffset());
            return new SlotTable(new LogBuffer(header), livenessTimeoutMs).hasLiveOwner();
        }
    }

    /**
     * A process killed while it created a log leaves {@code <log>.new-<pid>} behind.
     */
    private void deleteAbandonedNewLogs(final List<Path> deleted) throws IOException
    {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX + NEW_SUFFIX + "*"))
        {
            for (final Path path : stream)
            {
                final String name = path.getFileName().toString();
                final String pid = name.substring(name.lastIndexOf(NEW_SUFFIX) + NEW_SUFFIX.length());
                if (pid.matches("[0-9]{1,18}") && !ProcessLiveness.isAlive(Long.parseLong(pid), 0))
                {
                    Files.deleteIfExists(path);
                    deleted.add(path);
                }
            }
        }
    }

    private void create(final Path path, final int capacity, final int streamId) throws IOException
    {
        if (!LogDescriptor.isValidCapacity(capacity))
        {
            throw new IllegalArgumentException("invalid log capacity: capacity=" + capacity +
                " (a power of 2 from 64k to 1g)");
        }
        final Path temp = directory.resolve(path.getFileName() + NEW_SUFFIX + ProcessLiveness.currentPid());
        Files.deleteIfExists(temp);
        createPrivateFile(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long length = LogBuffer.fileLength(capacity);
            // Every page exists before anyone maps the log, so no process ever faults a page in while another
            // holds it: a busy-spinning reader or writer would sleep in the kernel for it.
            final ByteBuffer zeros = ByteBuffer.allocate((int)Math.min(length, 1 << 20));
            long written = 0;
            while (written < length)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), length - written));
                written += channel.write(zeros, written);
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            LogBuffer.initialise(mapped, capacity, streamId, ProcessLiveness.currentPid());
        }
        // Others see the log whole or not at all.
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
    }

    private MappedLog map(final Path path) throws IOException
    {
        final long length = validate(path);
        final Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            // Fault every page into this process now rather than on the data path.
            mapped.load();
            return new MappedLog(path, key, mapped, livenessTimeoutMs);
        }
    }

    /**
     * Check that a file is a private log of this user in the layout this version reads.
     *
     * @param path of the file.
     * @return its length.
     * @throws ConduitException naming the file and what is wrong with it.
     */
    public static long validate(final Path path) throws IOException
    {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
        {
            throw invalid("not a regular file", path);
        }
        requireOwnedByCurrentUser(path);
        final long length = Files.size(path);
        if (length < LogDescriptor.LINE_LENGTH)
        {
            throw invalid("truncated log: length=" + length, path);
        }
        final ByteBuffer header = ByteBuffer.allocate(LogDescriptor.LINE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            int read = 0;
            while (header.hasRemaining() && read >= 0)
            {
                read = channel.read(header);
            }
        }
        if (header.getLong(LogDescriptor.MAGIC_OFFSET) != LogDescriptor.MAGIC)
        {
            throw invalid("not a Conduit log", path);
        }
        final int version = header.getInt(LogDescriptor.VERSION_OFFSET);
        if (version != LogDescriptor.LAYOUT_VERSION)
        {
            throw invalid((version > LogDescriptor.LAYOUT_VERSION ? "log of a newer layout" : "log of an unknown layout") +
                ": version=" + version + ", supported=" + LogDescriptor.LAYOUT_VERSION, path);
        }
        final int capacity = header.getInt(LogDescriptor.CAPACITY_OFFSET);
        if (header.getInt(LogDescriptor.DATA_OFFSET_OFFSET) != LogDescriptor.dataOffset() ||
            header.getInt(LogDescriptor.PUBLISHER_SLOTS_OFFSET) != LogDescriptor.PUBLISHER_SLOTS ||
            header.getInt(LogDescriptor.SUBSCRIBER_SLOTS_OFFSET) != LogDescriptor.SUBSCRIBER_SLOTS ||
            !LogDescriptor.isValidCapacity(capacity))
        {
            throw invalid("log header is inconsistent: capacity=" + capacity, path);
        }
        final long expected = LogBuffer.fileLength(capacity);
        if (length < expected)
        {
            throw invalid("truncated log: length=" + length + ", expected=" + expected, path);
        }
        return expected;
    }

    private static ConduitException invalid(final String what, final Path path)
    {
        return new ConduitException(ErrorCode.INVALID_LOG, what + ": file=" + path);
    }

    private static void requireOwnedByCurrentUser(final Path path) throws IOException
    {
        final Object owner = uid(path, LinkOption.NOFOLLOW_LINKS);
        // /proc/self is a link owned by root; what it points to is owned by this process's user.
        final Object self = uid(Path.of("/proc/self"));
        if (owner != null && self != null)
        {
            if (!owner.equals(self))
            {
                throw invalid("owned by another user: uid=" + owner, path);
            }
            return;
        }
        final String user = System.getProperty("user.name");
        if (!Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(user))
        {
            throw invalid("owned by another user: owner=" + Files.getOwner(path, LinkOption.NOFOLLOW_LINKS), path);
        }
    }

    private static Object uid(final Path path, final LinkOption... options)
    {
        try
        {
            return Files.getAttribute(path, "unix:uid", options);
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static boolean isPosix(final Path path)
    {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void createPrivateFile(final Path path) throws IOException
    {
        if (isPosix(path))
        {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        }
        else
        {
            Files.createFile(path);
        }
    }

    private static void ensurePrivateDirectory(final Path directory)
    {
        try
        {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
            {
                try
                {
                    if (isPosix(directory.toAbsolutePath().getParent()))
                    {
                        Files.createDirectories(directory.toAbsolutePath().getParent());
                        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                        // The umask may have taken bits away; never adds them, but be exact.
                        Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
                    }
                    else
                    {
                        Files.createDirectories(directory);
                    }
                }
                catch (final FileAlreadyExistsException raced)
                {
                    // Another process made it first; checked below like any existing directory.
                }
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
            {
                throw new ConduitException(ErrorCode.INVALID_LOG,
                    "shared-memory directory is not a directory: directory=" + directory);
            }
            requireOwnedByCurrentUser(directory);
            if (isPosix(directory))
            {
                final Set<PosixFilePermission> permissions =
                    Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
                if (!permissions.equals(PRIVATE_DIRECTORY))
                {
                    throw new ConduitException(ErrorCode.INVALID_LOG, "shared-memory directory is not private: " +
                        "directory=" + directory + ", permissions=" + PosixFilePermissions.toString(permissions) +
                        " (expected rwx------)");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ConduitException(ErrorCode.INVALID_LOG,
                "cannot make shared-memory directory: directory=" + directory + ", error=" + ex, ex);
        }
    }
}
