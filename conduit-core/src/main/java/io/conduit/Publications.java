package io.conduit;

/**
 * Helpers for the results of {@link Publication#offer}.
 */
public final class Publications
{
    private Publications()
    {
    }

    /**
     * @param result of an offer.
     * @return a name for the result: {@code NOT_CONNECTED}, a position, and so on.
     */
    public static String describe(final long result)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            return "NOT_CONNECTED";
        }
        if (result == Publication.BACK_PRESSURED)
        {
            return "BACK_PRESSURED";
        }
        if (result == Publication.CLOSED)
        {
            return "CLOSED";
        }
        if (result == Publication.MAX_SIZE_EXCEEDED)
        {
            return "MAX_SIZE_EXCEEDED";
        }
        return result > 0 ? "position=" + result : "UNKNOWN(" + result + ")";
    }

    /**
     * Throw when an offer's result means retrying cannot help.
     *
     * @param publication that was offered to.
     * @param result      of the offer.
     * @param length      of the message offered.
     * @throws ConduitException for {@link Publication#CLOSED} and {@link Publication#MAX_SIZE_EXCEEDED}.
     */
    public static void throwIfFinal(final Publication publication, final long result, final int length)
    {
        if (result == Publication.CLOSED)
        {
            throw new ConduitException(ErrorCode.CLOSED, "publication is closed: endpoint=" +
                publication.endpoint() + ", streamId=" + publication.streamId());
        }
        if (result == Publication.MAX_SIZE_EXCEEDED)
        {
            throw new ConduitException(ErrorCode.MESSAGE_TOO_LARGE, "message too large: length=" + length +
                ", maxMessageLength=" + publication.maxMessageLength() + ", endpoint=" + publication.endpoint());
        }
    }
}
