package io.conduit.internal;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

import sun.misc.Unsafe;

/**
 * {@code sun.misc.Unsafe}, for the few classes whose every access to shared memory is on a hot path (see
 * {@link io.conduit.internal.shm.LogBuffer}). Those classes check their bounds once, where a position becomes an
 * index, instead of on every access as {@link ByteBuffer} and its VarHandles do. Agrona's {@code UnsafeBuffer}
 * does the same for Aeron.
 */
public final class UnsafeAccess
{
    /** The instance. */
    public static final Unsafe UNSAFE;
    /** Offset of a {@code byte[]}'s first element. */
    public static final long BYTE_ARRAY_BASE;
    private static final long BUFFER_ADDRESS;

    static
    {
        try
        {
            final Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            UNSAFE = (Unsafe)field.get(null);
            BYTE_ARRAY_BASE = UNSAFE.arrayBaseOffset(byte[].class);
            BUFFER_ADDRESS = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private UnsafeAccess()
    {
    }

    /**
     * @param buffer a direct buffer.
     * @return the address of its first byte; valid while {@code buffer} is reachable.
     * @throws IllegalArgumentException when the buffer is not direct.
     */
    public static long address(final ByteBuffer buffer)
    {
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException("not a direct buffer: " + buffer);
        }
        return UNSAFE.getLong(buffer, BUFFER_ADDRESS);
    }
}
