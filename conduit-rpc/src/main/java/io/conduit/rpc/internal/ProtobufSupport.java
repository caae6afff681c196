package io.conduit.rpc.internal;

import io.conduit.rpc.Codec;

/**
 * Whether protobuf-java is on the class path; {@link ProtobufCodec} is loaded only when it is.
 */
final class ProtobufSupport
{
    private static final boolean AVAILABLE = probe();

    private ProtobufSupport()
    {
    }

    static boolean isAvailable()
    {
        return AVAILABLE;
    }

    static Codec codec()
    {
        return new ProtobufCodec();
    }

    private static boolean probe()
    {
        try
        {
            Class.forName("com.google.protobuf.MessageLite", false, ProtobufSupport.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return false;
        }
    }
}
