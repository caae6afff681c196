package io.conduit.bench.internal;

import java.util.Map;

/**
 * The pinger's end of one system's ping-pong, driven by {@link PingerLoop}.
 */
interface PingClient
{
    /**
     * Send one message carrying a sequence number.
     *
     * @param sequence to carry.
     * @throws Exception when the transport fails.
     */
    void ping(long sequence) throws Exception;

    /**
     * Wait for the echo of the last ping.
     *
     * @return the sequence number it carries.
     * @throws Exception when the transport fails.
     */
    long awaitPong() throws Exception;

    /**
     * @return when the last pong reached the code that handles it ({@link System#nanoTime()}), for a client whose
     * handler runs on another thread than {@link #awaitPong()}; 0, the default, to time the return of
     * {@code awaitPong} instead.
     */
    default long lastPongArrivalNs()
    {
        return 0;
    }

    /**
     * @return counters of the transport worth reporting beside the latency (back-pressure, evictions), by name;
     * empty by default.
     */
    default Map<String, Object> counters()
    {
        return Map.of();
    }
}
