package io.conduit;

import java.nio.ByteBuffer;

/**
 * Receives whole messages from a {@link Subscription}.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * Called once for every message, in order per publication.
     * <p>
     * The buffer and header are only valid for the duration of the call: copy what you need to keep.
     * The buffer's position and limit are unspecified; use {@code offset} and {@code length}.
     *
     * @param buffer holding the message.
     * @param offset at which the message starts.
     * @param length of the message in bytes.
     * @param header describing the message.
     */
    void onMessage(ByteBuffer buffer, int offset, int length, Header header);
}
