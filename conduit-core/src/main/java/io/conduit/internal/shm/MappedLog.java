package io.conduit.internal.shm;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * One log file mapped into this process, shared by every publication and subscription of this process on its
 * endpoint and stream.
 */
final class MappedLog
{
    private final Path path;
    private final Object fileKey;
    private final LogBuffer buffer;
    private final SlotTable slots;
    private final LogCleaner cleaner;
    private final LogUnblocker unblocker;
    private int users;

    MappedLog(final Path path, final Object fileKey, final MappedByteBuffer mapped, final long livenessTimeoutMs)
    {
        this.path = path;
        this.fileKey = fileKey;
        this.buffer = new LogBuffer(mapped);
        this.slots = new SlotTable(buffer, livenessTimeoutMs);
        this.cleaner = new LogCleaner(buffer, livenessTimeoutMs);
        this.unblocker = new LogUnblocker(buffer, slots, "file=" + path);
    }

    Path path()
    {
        return path;
    }

    Object fileKey()
    {
        return fileKey;
    }

    LogBuffer buffer()
    {
        return buffer;
    }

    SlotTable slots()
    {
        return slots;
    }

    LogCleaner cleaner()
    {
        return cleaner;
    }

    LogUnblocker unblocker()
    {
        return unblocker;
    }

    void addUser()
    {
        users++;
    }

    /**
     * @return true when that was the last user in this process.
     */
    boolean removeUser()
    {
        return --users == 0;
    }
}
