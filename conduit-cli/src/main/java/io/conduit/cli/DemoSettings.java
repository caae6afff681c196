package io.conduit.cli;

/**
 * The workload every row of {@code conduit demo} runs.
 *
 * @param sizeBytes     of each message.
 * @param ratePerSecond at which messages are sent.
 * @param seconds       each mechanism sends for.
 * @param idleStrategy  of the polling subscriber, by name.
 */
record DemoSettings(int sizeBytes, long ratePerSecond, double seconds, String idleStrategy)
{
    /**
     * @return messages each mechanism sends.
     */
    long messageCount()
    {
        return Math.max(1, Math.round(ratePerSecond * seconds));
    }

    /**
     * @return the first half of the messages: they warm the JIT up (TLS needs seconds of it) and are left out of
     * latency.
     */
    long warmupMessages()
    {
        return messageCount() / 2;
    }
}
