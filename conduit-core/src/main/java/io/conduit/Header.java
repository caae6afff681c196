package io.conduit;

/**
 * Describes the message passed to a {@link MessageHandler}. A flyweight: valid only during the callback.
 */
public final class Header
{
    private int streamId;
    private int sessionId;
    private long sequence;
    private long timestampNs;

    /**
     * Set the fields; called by transports before each callback.
     *
     * @param streamId    of the message.
     * @param sessionId   of the publication that sent it.
     * @param sequence    of the message within its session.
     * @param timestampNs the publisher's {@link System#nanoTime()} at offer, or 0 when not stamped.
     * @return this for a fluent API.
     */
    public Header set(final int streamId, final int sessionId, final long sequence, final long timestampNs)
    {
        this.streamId = streamId;
        this.sessionId = sessionId;
        this.sequence = sequence;
        this.timestampNs = timestampNs;
        return this;
    }

    /**
     * @return the stream the message was published on.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @return the session id of the publication that sent the message; unique per publication.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * @return the message's sequence number within its session, starting at 0 and increasing by 1 per message.
     */
    public long sequence()
    {
        return sequence;
    }

    /**
     * @return the publisher's {@link System#nanoTime()} when the message was offered, or 0 when the publisher
     * does not stamp messages (see {@link Conduit.Context#timestamps(boolean)}). Comparable with the
     * receiver's clock only between processes on one host.
     */
    public long timestampNs()
    {
        return timestampNs;
    }

    @Override
    public String toString()
    {
        return "Header{streamId=" + streamId + ", sessionId=" + sessionId + ", sequence=" + sequence + '}';
    }
}
