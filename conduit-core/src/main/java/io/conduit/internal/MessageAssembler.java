package io.conduit.internal;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import io.conduit.Counter;
import io.conduit.Counters;

import static io.conduit.internal.FrameDescriptor.BEGIN_FLAG;
import static io.conduit.internal.FrameDescriptor.END_FLAG;

/**
 * Reassembles fragmented messages, one in progress per session. Memory per session is bounded by the maximum
 * message length; a fragment that does not continue the message in progress discards it and is counted.
 */
public final class MessageAssembler
{
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private static final class Assembly
    {
        long sequence;
        ByteBuffer buffer = ByteBuffer.allocate(0);
        int length;
        boolean inProgress;
        boolean dropping;
    }

    private final int maxMessageLength;
    private final Counters counters;
    private final Map<Integer, Assembly> assemblies = new HashMap<>();
    private int inProgressCount;
    private Assembly completed;

    public MessageAssembler(final int maxMessageLength, final Counters counters)
    {
        this.maxMessageLength = maxMessageLength;
        this.counters = counters;
    }

    /**
     * @return true when some session has a message in progress.
     */
    public boolean hasInProgress()
    {
        return inProgressCount > 0;
    }

    /**
     * Add a fragment.
     *
     * @return the length of the message this fragment completed, now in {@link #completedBuffer()}, or -1.
     */
    public int onFragment(
        final int sessionId,
        final long sequence,
        final byte flags,
        final ByteBuffer src,
        final int offset,
        final int length)
    {
        Assembly assembly = assemblies.get(sessionId);
        if ((flags & BEGIN_FLAG) != 0)
        {
            if (assembly == null)
            {
                assembly = new Assembly();
                assemblies.put(sessionId, assembly);
            }
            else
            {
                abandon(assembly);
            }
            assembly.sequence = sequence;
            assembly.inProgress = true;
            assembly.dropping = false;
            inProgressCount++;
        }
        else if (assembly == null || !assembly.inProgress || assembly.sequence != sequence)
        {
            // The rest of a message already counted as dropped is dropped quietly: one loss, one count.
            if (assembly == null || !assembly.dropping || assembly.sequence != sequence)
            {
                counters.increment(Counter.INCOMPLETE_MESSAGES);
                if (assembly == null)
                {
                    assembly = new Assembly();
                    assemblies.put(sessionId, assembly);
                }
                else
                {
                    abandon(assembly);
                }
                startDropping(assembly, sequence);
            }
            if ((flags & END_FLAG) != 0)
            {
                assembly.dropping = false;
            }
            return -1;
        }

        final int newLength = assembly.length + length;
        if (newLength > maxMessageLength)
        {
            counters.increment(Counter.PROTOCOL_ERRORS);
            abandonSilently(assembly);
            startDropping(assembly, sequence);
            if ((flags & END_FLAG) != 0)
            {
                assembly.dropping = false;
            }
            return -1;
        }
        ensureCapacity(assembly, newLength);
        assembly.buffer.put(assembly.length, src, offset, length);
        assembly.length = newLength;

        if ((flags & END_FLAG) != 0)
        {
            completed = assembly;
            abandonSilently(assembly);
            return newLength;
        }
        return -1;
    }

    /**
     * @return the buffer of the message last completed, from index 0; valid until the next fragment.
     */
    public ByteBuffer completedBuffer()
    {
        return completed.buffer;
    }

    /**
     * Forget a session that ended, counting a message it left partly received.
     */
    public void discard(final int sessionId)
    {
        final Assembly assembly = assemblies.remove(sessionId);
        if (assembly != null)
        {
            abandon(assembly);
        }
    }

    /**
     * Forget every session, counting each message left partly received.
     */
    public void discardAll()
    {
        for (final Assembly assembly : assemblies.values())
        {
            abandon(assembly);
        }
        assemblies.clear();
    }

    private static void startDropping(final Assembly assembly, final long sequence)
    {
        assembly.sequence = sequence;
        assembly.dropping = true;
    }

    private void abandon(final Assembly assembly)
    {
        if (assembly.inProgress)
        {
            counters.increment(Counter.INCOMPLETE_MESSAGES);
        }
        abandonSilently(assembly);
    }

    private void abandonSilently(final Assembly assembly)
    {
        if (assembly.inProgress)
        {
            assembly.inProgress = false;
            inProgressCount--;
        }
        assembly.length = 0;
    }

    private void ensureCapacity(final Assembly assembly, final int required)
    {
        final ByteBuffer buffer = assembly.buffer;
        if (buffer.capacity() < required)
        {
            final int newCapacity = (int)Math.min(
                maxMessageLength, Math.max(required, Math.max(INITIAL_CAPACITY, (long)buffer.capacity() * 2)));
            final ByteBuffer grown = ByteBuffer.allocate(newCapacity);
            grown.put(0, buffer, 0, assembly.length);
            assembly.buffer = grown;
        }
    }
}
