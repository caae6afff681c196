package io.conduit.internal.tcp;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.ErrorCode;

/**
 * Builds the TLS 1.3 contexts of {@code ?tls=true} endpoints from a {@link Conduit.Context}. Public for
 * conduit-rpc, which serves TLS on its own Netty channels with the same settings.
 */
public final class TlsContexts
{
    private static final String TLS_13 = "TLSv1.3";

    private TlsContexts()
    {
    }

    /**
     * @param context with a key pair or key manager factory, optional trust, and whether clients must present a
     *                certificate.
     * @return a TLS 1.3 server context.
     * @throws ConduitException with {@link ErrorCode#TLS_HANDSHAKE_FAILED} when the settings are unusable.
     */
    public static SslContext forListener(final Conduit.Context context)
    {
        try
        {
            final SslContextBuilder builder;
            if (context.tlsKeyManagerFactory() != null)
            {
                builder = SslContextBuilder.forServer(context.tlsKeyManagerFactory());
            }
            else if (context.tlsCertificateChainFile() != null)
            {
                builder = SslContextBuilder.forServer(
                    context.tlsCertificateChainFile().toFile(), context.tlsPrivateKeyFile().toFile());
            }
            else
            {
                throw new ConduitException(ErrorCode.TLS_HANDSHAKE_FAILED,
                    "tls listener needs a key: set Context.tlsKeyPair or conduit.tls.certificate.chain and " +
                    "conduit.tls.private.key");
            }
            trust(builder, context);
            return builder
                .sslProvider(SslProvider.JDK)
                .protocols(TLS_13)
                .clientAuth(context.tlsClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE)
                .build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConduitException(ErrorCode.TLS_HANDSHAKE_FAILED,
                "tls set-up failed: reason=" + ex.getMessage(), ex);
        }
    }

    /**
     * @param context with optional trust and an optional key pair for mutual TLS.
     * @return a TLS 1.3 client context.
     * @throws ConduitException with {@link ErrorCode#TLS_HANDSHAKE_FAILED} when the settings are unusable.
     */
    public static SslContext forConnector(final Conduit.Context context)
    {
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forClient();
            if (context.tlsKeyManagerFactory() != null)
            {
                builder.keyManager(context.tlsKeyManagerFactory());
            }
            else if (context.tlsCertificateChainFile() != null)
            {
                builder.keyManager(context.tlsCertificateChainFile().toFile(), context.tlsPrivateKeyFile().toFile());
            }
            trust(builder, context);
            return builder.sslProvider(SslProvider.JDK).protocols(TLS_13).build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConduitException(ErrorCode.TLS_HANDSHAKE_FAILED,
                "tls set-up failed: reason=" + ex.getMessage(), ex);
        }
    }

    private static void trust(final SslContextBuilder builder, final Conduit.Context context)
    {
        if (context.tlsTrustManagerFactory() != null)
        {
            builder.trustManager(context.tlsTrustManagerFactory());
        }
        else if (context.tlsTrustedCertificatesFile() != null)
        {
            builder.trustManager(context.tlsTrustedCertificatesFile().toFile());
        }
    }
}
