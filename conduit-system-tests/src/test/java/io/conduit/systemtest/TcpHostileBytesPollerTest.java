package io.conduit.systemtest;

/**
 * {@link TcpHostileBytesTest} against a subscriber whose poller reads its sockets ({@code ?delivery=poller}): the
 * hostile bytes after a HELLO reach the poller's own frame reader, not the I/O thread's decoder.
 */
class TcpHostileBytesPollerTest extends TcpHostileBytesTest
{
    @Override
    String subscriberUri()
    {
        return "tcp://127.0.0.1:0?delivery=poller";
    }
}
