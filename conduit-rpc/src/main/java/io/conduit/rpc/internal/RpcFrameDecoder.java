package io.conduit.rpc.internal;

import java.nio.ByteOrder;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits a TCP byte stream into RPC frames by their little-endian length field (the header included), failing
 * fast on a frame longer than the maximum. Says whether bytes are left after the frame being handled, so that a
 * reply to the last request of a read can be written at once and replies to earlier ones wait to leave together.
 */
final class RpcFrameDecoder extends LengthFieldBasedFrameDecoder
{
    /**
     * @param maxFrameLength longest frame accepted.
     */
    RpcFrameDecoder(final int maxFrameLength)
    {
        super(ByteOrder.LITTLE_ENDIAN, maxFrameLength, 0, Integer.BYTES, -Integer.BYTES, 0, true);
    }

    /**
     * Call on the event loop, from the handling of a frame.
     *
     * @return true when bytes received after that frame wait to be decoded: more requests follow it.
     */
    boolean hasBufferedBytes()
    {
        return actualReadableBytes() > 0;
    }
}
