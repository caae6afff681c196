package io.conduit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed endpoint URI: one string says where and how.
 * <pre>
 *   shm:orders                                 shared memory, named log
 *   tcp://host:port?tls=true                   TCP, optionally with TLS
 *   udp://host:port                            UDP unicast
 *   udp://239.1.2.3:port?interface=127.0.0.1   UDP multicast
 *   inproc:name                                within one JVM
 * </pre>
 * Options are query parameters. An unknown scheme, an option the scheme does not know, or a malformed value is an
 * {@link IllegalArgumentException} that names it. Immutable.
 */
public final class Endpoint
{
    /** The transports an endpoint can name. */
    public enum Scheme
    {
        /** Shared memory between processes on one host. */
        SHM("shm", false, Set.of("idle", "capacity", "mtu")),
        /** TCP, with optional TLS. */
        TCP("tcp", true, Set.of("idle", "tls", "listen", "mtu", "delivery", "io")),
        /** UDP unicast and multicast. */
        UDP("udp", true, Set.of("idle", "reliable", "interface", "mtu", "ttl")),
        /** Within one JVM. */
        INPROC("inproc", false, Set.of("idle", "capacity"));

        private final String prefix;
        private final boolean network;
        private final Set<String> options;

        Scheme(final String prefix, final boolean network, final Set<String> options)
        {
            this.prefix = prefix;
            this.network = network;
            this.options = options;
        }

        /**
         * @return the scheme as written in URIs.
         */
        public String prefix()
        {
            return prefix;
        }

        /**
         * @return true when endpoints of this scheme have a host and port rather than a name.
         */
        public boolean isNetwork()
        {
            return network;
        }

        /**
         * @return the query options this scheme accepts.
         */
        public Set<String> options()
        {
            return options;
        }

        static Scheme of(final String prefix, final String uri)
        {
            for (final Scheme scheme : values())
            {
                if (scheme.prefix.equals(prefix))
                {
                    return scheme;
                }
            }
            throw new IllegalArgumentException(
                "unknown scheme: scheme=" + prefix + ", uri=" + uri + " (expected shm, tcp, udp or inproc)");
        }
    }

    private static final String LOOPBACK = "127.0.0.1";

    private final String uri;
    private final Scheme scheme;
    private final String name;
    private final String host;
    private final int port;
    private final Map<String, String> options;

    private Endpoint(
        final String uri,
        final Scheme scheme,
        final String name,
        final String host,
        final int port,
        final Map<String, String> options)
    {
        this.uri = uri;
        this.scheme = scheme;
        this.name = name;
        this.host = host;
        this.port = port;
        this.options = options;
    }

    /**
     * Parse an endpoint URI.
     *
     * @param uri such as {@code tcp://127.0.0.1:9000?tls=true}.
     * @return the parsed endpoint.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Endpoint parse(final String uri)
    {
        if (uri == null || uri.isBlank())
        {
            throw new IllegalArgumentException("endpoint is empty");
        }
        final int colon = uri.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("endpoint has no scheme: uri=" + uri);
        }
        final Scheme scheme = Scheme.of(uri.substring(0, colon).toLowerCase(Locale.ROOT), uri);
        final String rest = uri.substring(colon + 1);
        final int query = rest.indexOf('?');
        final String body = query < 0 ? rest : rest.substring(0, query);
        final Map<String, String> options = parseOptions(scheme, query < 0 ? "" : rest.substring(query + 1), uri);

        if (scheme.isNetwork())
        {
            return parseNetwork(uri, scheme, body, options);
        }
        if (body.startsWith("//"))
        {
            throw new IllegalArgumentException("endpoint takes a name, not an address: uri=" + uri +
                " (write " + scheme.prefix + ":name)");
        }
        if (body.isEmpty() || !body.matches("[A-Za-z0-9._-]+"))
        {
            throw new IllegalArgumentException(
                "invalid endpoint name: uri=" + uri + " (use letters, digits, '.', '_' and '-')");
        }
        return new Endpoint(uri, scheme, body, null, -1, options);
    }

    private static Endpoint parseNetwork(
        final String uri, final Scheme scheme, final String body, final Map<String, String> options)
    {
        if (!body.startsWith("//"))
        {
            throw new IllegalArgumentException(
                "endpoint needs an address: uri=" + uri + " (write " + scheme.prefix + "://host:port)");
        }
        final URI parsed;
        try
        {
            parsed = new URI(scheme.prefix + ":" + body);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("invalid endpoint address: uri=" + uri + ", reason=" + ex.getReason());
        }
        final String authority = parsed.getRawAuthority();
        if (authority == null || (parsed.getPath() != null && !parsed.getPath().isEmpty()))
        {
            throw new IllegalArgumentException("invalid endpoint address: uri=" + uri);
        }
        final int portSeparator = authority.lastIndexOf(':');
        if (portSeparator < 0 || authority.endsWith("]"))
        {
            throw new IllegalArgumentException("endpoint has no port: uri=" + uri);
        }
        final int port;
        try
        {
            port = Integer.parseInt(authority.substring(portSeparator + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid port: uri=" + uri);
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port out of range: port=" + port + ", uri=" + uri);
        }
        String host = authority.substring(0, portSeparator);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty())
        {
            host = LOOPBACK;
        }
        return new Endpoint(uri, scheme, null, host, port, options);
    }

    private static Map<String, String> parseOptions(final Scheme scheme, final String query, final String uri)
    {
        if (query.isEmpty())
        {
            return Map.of();
        }
        final Map<String, String> options = new LinkedHashMap<>();
        for (final String pair : query.split("&"))
        {
            final int eq = pair.indexOf('=');
            final String key = eq < 0 ? pair : pair.substring(0, eq);
            final String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (!scheme.options().contains(key))
            {
                throw new IllegalArgumentException("unknown option: option=" + key + ", scheme=" + scheme.prefix +
                    ", uri=" + uri + " (known: " + String.join(", ", new java.util.TreeSet<>(scheme.options())) + ")");
            }
            if (options.put(key, value) != null)
            {
                throw new IllegalArgumentException("option given twice: option=" + key + ", uri=" + uri);
            }
        }
        return Collections.unmodifiableMap(options);
    }

    /**
     * @return the scheme.
     */
    public Scheme scheme()
    {
        return scheme;
    }

    /**
     * @return the name of an {@code shm:} or {@code inproc:} endpoint, or null for network endpoints.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the host of a network endpoint (loopback when the URI gave none), or null.
     */
    public String host()
    {
        return host;
    }

    /**
     * @return the port of a network endpoint, or -1.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return the options given as query parameters, in the order given.
     */
    public Map<String, String> options()
    {
        return options;
    }

    /**
     * @param key          of the option.
     * @param defaultValue when the option is absent.
     * @return the option's value or the default.
     */
    public String option(final String key, final String defaultValue)
    {
        return options.getOrDefault(key, defaultValue);
    }

    /**
     * @param key          of the option.
     * @param defaultValue when the option is absent.
     * @return the option as a boolean.
     * @throws IllegalArgumentException when the value is neither {@code true} nor {@code false}.
     */
    public boolean booleanOption(final String key, final boolean defaultValue)
    {
        final String value = options.get(key);
        if (value == null)
        {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(value) || value.isEmpty())
        {
            return true;
        }
        if ("false".equalsIgnoreCase(value))
        {
            return false;
        }
        throw new IllegalArgumentException("invalid boolean option: " + key + "=" + value + ", uri=" + uri);
    }

    /**
     * @param key          of the option.
     * @param defaultValue when the option is absent.
     * @return the option as a size in bytes; accepts suffixes k, m, g (powers of 1024).
     * @throws IllegalArgumentException when the value is not a positive size.
     */
    public int sizeOption(final String key, final int defaultValue)
    {
        final String value = options.get(key);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Sizes.parseBytes(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("invalid size option: " + key + "=" + value + ", uri=" + uri, ex);
        }
    }

    /**
     * @return the endpoint without options, as it identifies a place: {@code tcp://127.0.0.1:9000}.
     */
    public String address()
    {
        return scheme.isNetwork() ? networkAddress(scheme, host, port) : scheme.prefix + ":" + name;
    }

    private static String networkAddress(final Scheme scheme, final String host, final int port)
    {
        return scheme.prefix + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @param newPort to put in place of this endpoint's port.
     * @return a copy of this network endpoint with another port, such as the one an ephemeral bind chose.
     */
    public Endpoint withPort(final int newPort)
    {
        final StringBuilder uri = new StringBuilder(networkAddress(scheme, host, newPort));
        char separator = '?';
        for (final Map.Entry<String, String> option : options.entrySet())
        {
            uri.append(separator).append(option.getKey()).append('=').append(option.getValue());
            separator = '&';
        }
        return new Endpoint(uri.toString(), scheme, name, host, newPort, options);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Endpoint && ((Endpoint)o).uri.equals(uri);
    }

    @Override
    public int hashCode()
    {
        return uri.hashCode();
    }

    /**
     * @return the URI as given.
     */
    @Override
    public String toString()
    {
        return uri;
    }
}
