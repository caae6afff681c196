package io.conduit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.conduit.internal.AbstractSubscription;
import io.conduit.internal.RingSubscription;
import io.conduit.internal.SubscriptionAgent;
import io.conduit.internal.Transport;
import io.conduit.internal.inproc.InprocTransport;
import io.conduit.internal.shm.LogDescriptor;
import io.conduit.internal.shm.LogFiles;
import io.conduit.internal.shm.ShmTransport;
import io.conduit.internal.tcp.TcpTransport;

/**
 * The context a process opens once: owns the threads, the transports and the counters, and makes publications
 * and subscriptions for endpoint URIs.
 * <pre>{@code
 * try (Conduit conduit = Conduit.launch();
 *      Subscription sub = conduit.addSubscription("tcp://127.0.0.1:9000", 1);
 *      Publication pub = conduit.addPublication("tcp://127.0.0.1:9000", 1)) {
 *     pub.send("hello".getBytes(UTF_8), Duration.ofSeconds(5));
 *     while (sub.poll((buf, off, len, hdr) -> System.out.println(len + " bytes"), 10) == 0) {
 *         Thread.onSpinWait();
 *     }
 * }
 * }</pre>
 * Thread-safe. Closing a Conduit closes everything it made; closing is idempotent.
 */
public final class Conduit implements AutoCloseable
{
    private final Context context;
    private final Counters counters = new Counters();
    private final Map<Endpoint.Scheme, Transport> transports = new EnumMap<>(Endpoint.Scheme.class);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, SubscriptionAgent> agents = new LinkedHashMap<>();
    private boolean closed;

    private Conduit(final Context context)
    {
        this.context = context;
    }

    /**
     * @return a Conduit with defaults from {@code conduit.*} system properties.
     */
    public static Conduit launch()
    {
        return launch(new Context());
    }

    /**
     * @param context settings, concluded (validated) here if not already.
     * @return a new Conduit.
     * @throws IllegalArgumentException when a setting is invalid.
     */
    public static Conduit launch(final Context context)
    {
        return new Conduit(context.conclude());
    }

    /**
     * @param uri      endpoint to publish to, such as {@code tcp://127.0.0.1:9000}.
     * @param streamId stream within the endpoint.
     * @return a new publication; close it when done.
     * @throws IllegalArgumentException when the URI is invalid.
     * @throws ConduitException         when the endpoint cannot be opened.
     */
    public Publication addPublication(final String uri, final int streamId)
    {
        final Endpoint endpoint = Endpoint.parse(uri);
        return track(transport(endpoint).addPublication(endpoint, streamId));
    }

    /**
     * Subscribe, to poll. A TCP subscription with {@code ?delivery=poller} has its polling thread read its
     * connections' sockets itself, with no I/O thread to wake in between: the lowest latency for a thread that polls
     * in a loop (plaintext, a listening subscription alone on its stream and port).
     *
     * @param uri      endpoint to receive from, such as {@code tcp://127.0.0.1:9000}.
     * @param streamId stream within the endpoint.
     * @return a new subscription to poll; close it when done.
     * @throws IllegalArgumentException when the URI is invalid.
     * @throws ConduitException         when the endpoint cannot be opened, such as a port in use.
     */
    public Subscription addSubscription(final String uri, final int streamId)
    {
        final Endpoint endpoint = Endpoint.parse(uri);
        if (isInlineDelivery(endpoint))
        {
            throw new IllegalArgumentException("delivery=inline calls a handler on the transport's thread and has " +
                "nothing to poll: use addSubscription(uri, streamId, handler), uri=" + uri);
        }
        return track(transport(endpoint).addSubscription(endpoint, streamId));
    }

    /**
     * @return true for {@code ?delivery=inline}, false for {@code ?delivery=agent}, {@code poller} or none.
     * @throws IllegalArgumentException for any other value.
     */
    private static boolean isInlineDelivery(final Endpoint endpoint)
    {
        final String delivery = endpoint.option("delivery", "agent");
        if (!"agent".equals(delivery) && !"inline".equals(delivery) && !"poller".equals(delivery))
        {
            throw new IllegalArgumentException("unknown delivery: delivery=" + delivery +
                " (known: agent, inline, poller), uri=" + endpoint);
        }
        return "inline".equals(delivery);
    }

    /**
     * Subscribe with a handler called on a Conduit agent thread. Handlers of one Conduit share that thread: keep
     * them quick. An exception from a handler is counted and logged, and the message is not delivered again.
     * Subscriptions whose URI names an idle strategy ({@code shm:orders?idle=busy-spin}) share a thread per
     * strategy; the others share one that idles as the context says. A TCP subscription with
     * {@code ?delivery=inline} calls the handler on the transport's I/O thread after each batch of messages is read,
     * with no hand-off to another thread: the lowest latency, for handlers that never block (like a Netty
     * handler, or gRPC's direct executor).
     *
     * @param uri      endpoint to receive from.
     * @param streamId stream within the endpoint.
     * @param handler  called once per message.
     * @return the subscription; its {@link Subscription#poll} must not be called.
     */
    public Subscription addSubscription(final String uri, final int streamId, final MessageHandler handler)
    {
        final Endpoint endpoint = Endpoint.parse(uri);
        if (isInlineDelivery(endpoint))
        {
            final Subscription subscription = track(transport(endpoint).addSubscription(endpoint, streamId));
            ((RingSubscription)subscription).deliverInline(handler);
            return subscription;
        }
        final Subscription subscription = addSubscription(uri, streamId);
        final String idle = subscription.endpoint().option("idle", null);
        synchronized (this)
        {
            final SubscriptionAgent agent = agents.computeIfAbsent(idle == null ? "" : idle, name -> name.isEmpty() ?
                new SubscriptionAgent(context.idleStrategy().get(), "conduit-subscriber") :
                new SubscriptionAgent(IdleStrategy.fromName(name), "conduit-subscriber-" + name));
            agent.add((AbstractSubscription)subscription, handler);
        }
        return subscription;
    }

    /**
     * @return the settings this Conduit runs with.
     */
    public Context context()
    {
        return context;
    }

    /**
     * @return counters of this Conduit's transports, such as protocol errors on listeners.
     */
    public Counters counters()
    {
        return counters;
    }

    /**
     * @return true once closed.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    /**
     * Close every publication and subscription made by this Conduit, then its transports and threads.
     */
    @Override
    public void close()
    {
        final List<AutoCloseable> toClose;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(resources);
            toClose.addAll(0, agents.values());
            agents.clear();
            toClose.addAll(transports.values());
            resources.clear();
            transports.clear();
        }
        for (final AutoCloseable resource : toClose)
        {
            try
            {
                resource.close();
            }
            catch (final Exception ignore)
            {
                // Closing is best effort: one failure must not keep the rest open.
            }
        }
    }

    private synchronized <T extends AutoCloseable> T track(final T resource)
    {
        // Forget what was closed since, so a process that opens and closes many does not keep them all.
        resources.removeIf(Conduit::isClosed);
        resources.add(resource);
        return resource;
    }

    private static boolean isClosed(final AutoCloseable resource)
    {
        return resource instanceof Publication ? ((Publication)resource).isClosed() :
            ((Subscription)resource).isClosed();
    }

    private synchronized Transport transport(final Endpoint endpoint)
    {
        if (closed)
        {
            throw new ConduitException(ErrorCode.CLOSED, "conduit is closed");
        }
        return transports.computeIfAbsent(endpoint.scheme(), scheme ->
        {
            switch (scheme)
            {
                case INPROC:
                    return new InprocTransport(context);
                case TCP:
                    return new TcpTransport(context, counters);
                case SHM:
                    return new ShmTransport(context);
                default:
                    throw new ConduitException(ErrorCode.INVALID_ENDPOINT,
                        "not supported yet: scheme=" + scheme.prefix() + ", uri=" + endpoint);
            }
        });
    }

    /**
     * Settings of a {@link Conduit}. Fluent setters; defaults come from {@code conduit.*} system properties;
     * validated once by {@link #conclude()}, after which it may not change.
     */
    public static final class Context
    {
        private int maxMessageLength = sizeProperty("conduit.max.message.length", 16 * 1024 * 1024);
        private String idleStrategy = System.getProperty("conduit.idle", BackoffIdleStrategy.NAME);
        private long heartbeatIntervalMs = longProperty("conduit.heartbeat.interval.ms", 200);
        private long heartbeatTimeoutMs = longProperty("conduit.heartbeat.timeout.ms", 2_000);
        private long connectTimeoutMs = longProperty("conduit.connect.timeout.ms", 5_000);
        private long reconnectBackoffMinMs = longProperty("conduit.reconnect.backoff.min.ms", 10);
        private long reconnectBackoffMaxMs = longProperty("conduit.reconnect.backoff.max.ms", 2_000);
        private int publicationWindowBytes = sizeProperty("conduit.publication.window", 2 * 1024 * 1024);
        private int subscriptionBufferBytes = sizeProperty("conduit.subscription.buffer", 4 * 1024 * 1024);
        private int tcpFrameLength = sizeProperty("conduit.tcp.frame.length", 64 * 1024);
        private boolean timestamps = booleanProperty("conduit.timestamps");
        private boolean nativeTransport = booleanProperty("conduit.tcp.native");
        private Path tlsCertificateChainFile = pathProperty("conduit.tls.certificate.chain");
        private Path tlsPrivateKeyFile = pathProperty("conduit.tls.private.key");
        private Path tlsTrustedCertificatesFile = pathProperty("conduit.tls.trusted.certificates");
        private boolean tlsClientAuth = booleanProperty("conduit.tls.client.auth");
        private KeyManagerFactory tlsKeyManagerFactory;
        private TrustManagerFactory tlsTrustManagerFactory;
        private Path shmDirectory = pathProperty("conduit.shm.dir");
        private int shmCapacity = sizeProperty("conduit.shm.capacity", 16 * 1024 * 1024);
        private long shmLivenessTimeoutMs = longProperty("conduit.shm.liveness.timeout.ms", 1_000);
        private boolean concluded;

        private static int sizeProperty(final String name, final int defaultValue)
        {
            final String value = System.getProperty(name);
            try
            {
                return value == null ? defaultValue : Sizes.parseBytes(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw badProperty(name, value, "a size such as 65536, 64k or 16m");
            }
        }

        private static long longProperty(final String name, final long defaultValue)
        {
            final String value = System.getProperty(name);
            try
            {
                return value == null ? defaultValue : Long.parseLong(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw badProperty(name, value, "a whole number");
            }
        }

        private static boolean booleanProperty(final String name)
        {
            final String value = System.getProperty(name);
            if (value == null)
            {
                return false;
            }
            // Boolean.parseBoolean would read "yes" or "ture" as false without a word.
            switch (value.trim().toLowerCase(Locale.ROOT))
            {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    throw badProperty(name, value, "true or false");
            }
        }

        private static IllegalArgumentException badProperty(final String name, final String value, final String expected)
        {
            return new IllegalArgumentException(
                "invalid system property: " + name + "=" + value + " (expected " + expected + ")");
        }

        private static Path pathProperty(final String name)
        {
            final String value = System.getProperty(name);
            return value == null ? null : Path.of(value);
        }

        private void checkMutable()
        {
            if (concluded)
            {
                throw new IllegalStateException("context is concluded and can no longer change");
            }
        }

        /**
         * Validate the settings; called by {@link Conduit#launch(Context)}. Idempotent.
         *
         * @return this.
         * @throws IllegalArgumentException naming the first invalid setting.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            require(maxMessageLength > 0, "maxMessageLength", maxMessageLength);
            IdleStrategy.fromName(idleStrategy);
            require(heartbeatIntervalMs > 0, "heartbeatIntervalMs", heartbeatIntervalMs);
            require(heartbeatTimeoutMs > heartbeatIntervalMs, "heartbeatTimeoutMs (must exceed the interval)",
                heartbeatTimeoutMs);
            require(connectTimeoutMs > 0, "connectTimeoutMs", connectTimeoutMs);
            require(reconnectBackoffMinMs > 0, "reconnectBackoffMinMs", reconnectBackoffMinMs);
            require(reconnectBackoffMaxMs >= reconnectBackoffMinMs, "reconnectBackoffMaxMs", reconnectBackoffMaxMs);
            require(publicationWindowBytes >= 64 * 1024, "publicationWindowBytes (at least 64k)",
                publicationWindowBytes);
            require(subscriptionBufferBytes >= 64 * 1024 && Integer.bitCount(subscriptionBufferBytes) == 1,
                "subscriptionBufferBytes (a power of 2, at least 64k)", subscriptionBufferBytes);
            require(tcpFrameLength >= 1024 && tcpFrameLength <= subscriptionBufferBytes / 8,
                "tcpFrameLength (at least 1k, at most subscriptionBufferBytes / 8)", tcpFrameLength);
            requireReadable(tlsCertificateChainFile, "tlsCertificateChainFile");
            requireReadable(tlsPrivateKeyFile, "tlsPrivateKeyFile");
            requireReadable(tlsTrustedCertificatesFile, "tlsTrustedCertificatesFile");
            require(LogDescriptor.isValidCapacity(shmCapacity), "shmCapacity (a power of 2 from 64k to 1g)",
                shmCapacity);
            require(shmLivenessTimeoutMs >= 10, "shmLivenessTimeoutMs (at least 10)", shmLivenessTimeoutMs);
            if (shmDirectory == null)
            {
                shmDirectory = LogFiles.defaultDirectory();
            }
            if ((tlsCertificateChainFile == null) != (tlsPrivateKeyFile == null))
            {
                throw new IllegalArgumentException(
                    "invalid setting: tlsCertificateChainFile and tlsPrivateKeyFile go together");
            }
            concluded = true;
            return this;
        }

        private static void require(final boolean condition, final String name, final Object value)
        {
            if (!condition)
            {
                throw new IllegalArgumentException("invalid setting: " + name + "=" + value);
            }
        }

        private static void requireReadable(final Path file, final String name)
        {
            if (file != null && !Files.isReadable(file))
            {
                throw new IllegalArgumentException("unreadable file: " + name + "=" + file);
            }
        }

        /**
         * @param maxMessageLength longest message accepted, in bytes (default 16 MiB, {@code conduit.max.message.length}).
         * @return this.
         */
        public Context maxMessageLength(final int maxMessageLength)
        {
            checkMutable();
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * @return longest message accepted, in bytes.
         */
        public int maxMessageLength()
        {
            return maxMessageLength;
        }

        /**
         * @param name of the idle strategy of Conduit threads: {@code busy-spin}, {@code yield} or {@code backoff}
         *             (default, {@code conduit.idle}).
         * @return this.
         */
        public Context idleStrategy(final String name)
        {
            checkMutable();
            this.idleStrategy = name;
            return this;
        }

        /**
         * @return a supplier of new idle strategies of the configured kind, one per thread.
         */
        public Supplier<IdleStrategy> idleStrategy()
        {
            final String name = idleStrategy;
            return () -> IdleStrategy.fromName(name);
        }

        /**
         * @param heartbeatIntervalMs how often an idle connection says it is alive (default 200,
         *                            {@code conduit.heartbeat.interval.ms}).
         * @return this.
         */
        public Context heartbeatIntervalMs(final long heartbeatIntervalMs)
        {
            checkMutable();
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        /**
         * @return how often an idle connection says it is alive.
         */
        public long heartbeatIntervalMs()
        {
            return heartbeatIntervalMs;
        }

        /**
         * @param heartbeatTimeoutMs silence after which a peer is declared dead (default 2000,
         *                           {@code conduit.heartbeat.timeout.ms}).
         * @return this.
         */
        public Context heartbeatTimeoutMs(final long heartbeatTimeoutMs)
        {
            checkMutable();
            this.heartbeatTimeoutMs = heartbeatTimeoutMs;
            return this;
        }

        /**
         * @return silence after which a peer is declared dead.
         */
        public long heartbeatTimeoutMs()
        {
            return heartbeatTimeoutMs;
        }

        /**
         * @param connectTimeoutMs longest a single connection attempt may take (default 5000,
         *                         {@code conduit.connect.timeout.ms}).
         * @return this.
         */
        public Context connectTimeoutMs(final long connectTimeoutMs)
        {
            checkMutable();
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /**
         * @return longest a single connection attempt may take.
         */
        public long connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /**
         * @param minMs first delay before reconnecting (default 10, {@code conduit.reconnect.backoff.min.ms}).
         * @param maxMs longest delay, reached by doubling with jitter (default 2000,
         *              {@code conduit.reconnect.backoff.max.ms}).
         * @return this.
         */
        public Context reconnectBackoffMs(final long minMs, final long maxMs)
        {
            checkMutable();
            this.reconnectBackoffMinMs = minMs;
            this.reconnectBackoffMaxMs = maxMs;
            return this;
        }

        /**
         * @return first delay before reconnecting.
         */
        public long reconnectBackoffMinMs()
        {
            return reconnectBackoffMinMs;
        }

        /**
         * @return longest delay before reconnecting.
         */
        public long reconnectBackoffMaxMs()
        {
            return reconnectBackoffMaxMs;
        }

        /**
         * @param bytes a network publication may buffer per connection before offers are back-pressured (default
         *              2 MiB, {@code conduit.publication.window}).
         * @return this.
         */
        public Context publicationWindowBytes(final int bytes)
        {
            checkMutable();
            this.publicationWindowBytes = bytes;
            return this;
        }

        /**
         * @return bytes a network publication may buffer per connection.
         */
        public int publicationWindowBytes()
        {
            return publicationWindowBytes;
        }

        /**
         * @param bytes buffered per subscription between transport threads and the poller, a power of 2 (default
         *              4 MiB, {@code conduit.subscription.buffer}).
         * @return this.
         */
        public Context subscriptionBufferBytes(final int bytes)
        {
            checkMutable();
            this.subscriptionBufferBytes = bytes;
            return this;
        }

        /**
         * @return bytes buffered per subscription.
         */
        public int subscriptionBufferBytes()
        {
            return subscriptionBufferBytes;
        }

        /**
         * @param bytes longest TCP frame, header included; longer messages are fragmented (default 64 KiB,
         *              {@code conduit.tcp.frame.length}). A peer's longer frame is a protocol error.
         * @return this.
         */
        public Context tcpFrameLength(final int bytes)
        {
            checkMutable();
            this.tcpFrameLength = bytes;
            return this;
        }

        /**
         * @return longest TCP frame, header included.
         */
        public int tcpFrameLength()
        {
            return tcpFrameLength;
        }

        /**
         * @param timestamps true to stamp every message with the publisher's clock, so subscribers record latency
         *                   (default false, {@code conduit.timestamps}).
         * @return this.
         */
        public Context timestamps(final boolean timestamps)
        {
            checkMutable();
            this.timestamps = timestamps;
            return this;
        }

        /**
         * @return true when publishers stamp messages.
         */
        public boolean timestamps()
        {
            return timestamps;
        }

        /**
         * @param directory of shared-memory logs (default {@code /dev/shm/conduit-<user>} on Linux, else under
         *                  the temp directory; {@code conduit.shm.dir}). Created private (0700) when missing.
         * @return this.
         */
        public Context shmDirectory(final Path directory)
        {
            checkMutable();
            this.shmDirectory = directory;
            return this;
        }

        /**
         * @return the directory of shared-memory logs; set by {@link #conclude()} when not given.
         */
        public Path shmDirectory()
        {
            return shmDirectory;
        }

        /**
         * @param bytes of the data ring of a new shared-memory log, a power of 2 from 64k to 1g (default 16m,
         *              {@code conduit.shm.capacity}); {@code shm:name?capacity=} overrides it per endpoint. A
         *              message may take at most a quarter of it.
         * @return this.
         */
        public Context shmCapacity(final int bytes)
        {
            checkMutable();
            this.shmCapacity = bytes;
            return this;
        }

        /**
         * @return the data ring of a new shared-memory log, in bytes.
         */
        public int shmCapacity()
        {
            return shmCapacity;
        }

        /**
         * @param timeoutMs after which a shared-memory peer whose heartbeat stopped is judged dead (default 1000,
         *                  {@code conduit.shm.liveness.timeout.ms}); heartbeats go every tenth of it.
         * @return this.
         */
        public Context shmLivenessTimeoutMs(final long timeoutMs)
        {
            checkMutable();
            this.shmLivenessTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @return the shared-memory liveness timeout in milliseconds.
         */
        public long shmLivenessTimeoutMs()
        {
            return shmLivenessTimeoutMs;
        }

        /**
         * Choose Netty's native epoll transport for TCP where available, instead of its NIO transport. NIO is the
         * default because with it an offer to an idle connection writes to the socket from the calling thread
         * (the JDK's socket channel makes that safe against a concurrent close; epoll's does not), which saves
         * waking the event loop per message: lower latency and about half the CPU on sparse streams. Under load
         * both batch writes on the event loop.
         *
         * @param nativeTransport true for native epoll where available (default false, {@code conduit.tcp.native}).
         * @return this.
         */
        public Context nativeTransport(final boolean nativeTransport)
        {
            checkMutable();
            this.nativeTransport = nativeTransport;
            return this;
        }

        /**
         * @return true to use native epoll where available.
         */
        public boolean nativeTransport()
        {
            return nativeTransport;
        }

        /**
         * Set this side's certificate and key for {@code ?tls=true} endpoints: required on listeners, and on
         * connectors when the listener requires client authentication.
         *
         * @param certificateChainFile PEM certificate chain ({@code conduit.tls.certificate.chain}).
         * @param privateKeyFile       PEM PKCS#8 private key ({@code conduit.tls.private.key}).
         * @return this.
         */
        public Context tlsKeyPair(final Path certificateChainFile, final Path privateKeyFile)
        {
            checkMutable();
            this.tlsCertificateChainFile = certificateChainFile;
            this.tlsPrivateKeyFile = privateKeyFile;
            return this;
        }

        /**
         * @return PEM certificate chain file, or null.
         */
        public Path tlsCertificateChainFile()
        {
            return tlsCertificateChainFile;
        }

        /**
         * @return PEM private key file, or null.
         */
        public Path tlsPrivateKeyFile()
        {
            return tlsPrivateKeyFile;
        }

        /**
         * @param trustedCertificatesFile PEM certificates of the authorities this side trusts
         *                                ({@code conduit.tls.trusted.certificates}); without one, the JDK's
         *                                default trust store is used.
         * @return this.
         */
        public Context tlsTrustedCertificates(final Path trustedCertificatesFile)
        {
            checkMutable();
            this.tlsTrustedCertificatesFile = trustedCertificatesFile;
            return this;
        }

        /**
         * @return PEM trusted certificates file, or null.
         */
        public Path tlsTrustedCertificatesFile()
        {
            return tlsTrustedCertificatesFile;
        }

        /**
         * @param keyManagerFactory keys to use instead of {@link #tlsKeyPair} files.
         * @return this.
         */
        public Context tlsKeyManagerFactory(final KeyManagerFactory keyManagerFactory)
        {
            checkMutable();
            this.tlsKeyManagerFactory = keyManagerFactory;
            return this;
        }

        /**
         * @return keys to use, or null.
         */
        public KeyManagerFactory tlsKeyManagerFactory()
        {
            return tlsKeyManagerFactory;
        }

        /**
         * @param trustManagerFactory trust to use instead of {@link #tlsTrustedCertificates} files.
         * @return this.
         */
        public Context tlsTrustManagerFactory(final TrustManagerFactory trustManagerFactory)
        {
            checkMutable();
            this.tlsTrustManagerFactory = trustManagerFactory;
            return this;
        }

        /**
         * @return trust to use, or null.
         */
        public TrustManagerFactory tlsTrustManagerFactory()
        {
            return tlsTrustManagerFactory;
        }

        /**
         * @param required true for mutual TLS: listeners refuse connectors without a trusted certificate (default
         *                 false, {@code conduit.tls.client.auth}).
         * @return this.
         */
        public Context tlsClientAuth(final boolean required)
        {
            checkMutable();
            this.tlsClientAuth = required;
            return this;
        }

        /**
         * @return true when listeners require client certificates.
         */
        public boolean tlsClientAuth()
        {
            return tlsClientAuth;
        }
    }
}
