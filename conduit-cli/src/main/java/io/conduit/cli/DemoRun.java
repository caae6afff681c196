package io.conduit.cli;

/**
 * What the rows of one {@code conduit demo} share: the settings, the peer process (started at once, waited for
 * on first use) and the TLS material (made on first use). Closing stops the peer and deletes the material.
 */
final class DemoRun implements AutoCloseable
{
    private static final long PEER_START_TIMEOUT_MS = 30_000;

    private final DemoSettings settings;
    private PeerProcess peer;
    private DemoTls tls;

    /**
     * @param settings of the run.
     */
    DemoRun(final DemoSettings settings)
    {
        this.settings = settings;
    }

    /**
     * Start the peer JVM now, so that it boots while this process works.
     *
     * @return this.
     */
    DemoRun startPeer()
    {
        if (peer == null)
        {
            peer = PeerProcess.start();
        }
        return this;
    }

    /**
     * @return the settings.
     */
    DemoSettings settings()
    {
        return settings;
    }

    /**
     * @return the peer process, ready for work.
     */
    PeerProcess peer()
    {
        startPeer();
        peer.awaitReady(PEER_START_TIMEOUT_MS);
        return peer;
    }

    /**
     * @return the peer's process id, or -1 when it has not been started.
     */
    long peerPid()
    {
        return peer == null ? -1 : peer.pid();
    }

    /**
     * @return the TLS material, made on first call.
     */
    DemoTls tls()
    {
        if (tls == null)
        {
            tls = DemoTls.generate();
        }
        return tls;
    }

    /**
     * @return the TLS material if it has been made, else null.
     */
    DemoTls tlsIfMade()
    {
        return tls;
    }

    @Override
    public void close()
    {
        if (peer != null)
        {
            peer.close();
        }
        if (tls != null)
        {
            tls.close();
        }
    }
}
