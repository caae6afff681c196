package io.conduit.test;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test PKI written as PEM files: a trusted CA with a server certificate (SAN 127.0.0.1, localhost, ::1) and a
 * client certificate, and a second, untrusted CA with its own client certificate. Keys are EC P-256 in PKCS#8 PEM,
 * usable with TLS 1.3. Certificates are valid from an hour ago for a day.
 */
public final class TestCertificates
{
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path directory;

    private TestCertificates(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * Generate every key and certificate and write them into a directory.
     *
     * @param directory to write PEM files into; created when missing.
     * @return the files written.
     */
    public static TestCertificates create(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
            final KeyPair caKeys = newKeyPair();
            final X509Certificate ca = caCertificate("CN=Conduit Test CA", caKeys);
            final KeyPair serverKeys = newKeyPair();
            final X509Certificate server = leafCertificate(
                "CN=localhost", serverKeys, ca, caKeys.getPrivate(), KeyPurposeId.id_kp_serverAuth, true);
            final KeyPair clientKeys = newKeyPair();
            final X509Certificate client = leafCertificate(
                "CN=Conduit Test Client", clientKeys, ca, caKeys.getPrivate(), KeyPurposeId.id_kp_clientAuth, false);

            final KeyPair untrustedCaKeys = newKeyPair();
            final X509Certificate untrustedCa = caCertificate("CN=Conduit Untrusted CA", untrustedCaKeys);
            final KeyPair untrustedClientKeys = newKeyPair();
            final X509Certificate untrustedClient = leafCertificate("CN=Conduit Untrusted Client",
                untrustedClientKeys, untrustedCa, untrustedCaKeys.getPrivate(), KeyPurposeId.id_kp_clientAuth, false);

            final TestCertificates files = new TestCertificates(directory);
            writeCertificate(files.caCertificate(), ca);
            writeCertificate(files.serverCertificate(), server);
            writeKey(files.serverKey(), serverKeys.getPrivate());
            writeCertificate(files.clientCertificate(), client);
            writeKey(files.clientKey(), clientKeys.getPrivate());
            writeCertificate(files.untrustedCaCertificate(), untrustedCa);
            writeCertificate(files.untrustedClientCertificate(), untrustedClient);
            writeKey(files.untrustedClientKey(), untrustedClientKeys.getPrivate());
            return files;
        }
        catch (final IOException | GeneralSecurityException | OperatorCreationException ex)
        {
            throw new IllegalStateException("cannot create test certificates: directory=" + directory, ex);
        }
    }

    /**
     * @return the trusted CA's certificate, PEM.
     */
    public Path caCertificate()
    {
        return directory.resolve("ca.pem");
    }

    /**
     * @return the server certificate signed by the trusted CA, PEM.
     */
    public Path serverCertificate()
    {
        return directory.resolve("server.pem");
    }

    /**
     * @return the server's private key, PKCS#8 PEM.
     */
    public Path serverKey()
    {
        return directory.resolve("server.key");
    }

    /**
     * @return the client certificate signed by the trusted CA, PEM.
     */
    public Path clientCertificate()
    {
        return directory.resolve("client.pem");
    }

    /**
     * @return the client's private key, PKCS#8 PEM.
     */
    public Path clientKey()
    {
        return directory.resolve("client.key");
    }

    /**
     * @return the certificate of a CA nobody trusts, PEM.
     */
    public Path untrustedCaCertificate()
    {
        return directory.resolve("untrusted-ca.pem");
    }

    /**
     * @return a client certificate signed by the untrusted CA, PEM.
     */
    public Path untrustedClientCertificate()
    {
        return directory.resolve("untrusted-client.pem");
    }

    /**
     * @return the untrusted client's private key, PKCS#8 PEM.
     */
    public Path untrustedClientKey()
    {
        return directory.resolve("untrusted-client.key");
    }

    /**
     * @param certificateFile PEM certificate.
     * @param keyFile         PKCS#8 PEM private key.
     * @return key managers holding the pair, for {@code Conduit.Context.tlsKeyManagerFactory}.
     */
    public static KeyManagerFactory keyManagerFactory(final Path certificateFile, final Path keyFile)
    {
        try
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", readKey(keyFile), new char[0], new Certificate[]{readCertificate(certificateFile)});
            final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            return factory;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalStateException("cannot load key pair: certificate=" + certificateFile, ex);
        }
    }

    /**
     * @param caFile PEM certificate of the authority to trust.
     * @return trust managers trusting only that authority.
     */
    public static TrustManagerFactory trustManagerFactory(final Path caFile)
    {
        try
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", readCertificate(caFile));
            final TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalStateException("cannot load trusted certificate: file=" + caFile, ex);
        }
    }

    /**
     * @param file PEM certificate.
     * @return the certificate.
     */
    public static X509Certificate readCertificate(final Path file) throws IOException, GeneralSecurityException
    {
        try (var in = Files.newInputStream(file))
        {
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(final Path file) throws IOException
    {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader))
        {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo)parser.readObject());
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate caCertificate(final String subject, final KeyPair keys)
        throws GeneralSecurityException, OperatorCreationException, IOException
    {
        final X500Name name = new X500Name(subject);
        final X509v3CertificateBuilder builder = newBuilder(name, name, keys);
        final JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
            extensions.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    private static X509Certificate leafCertificate(
        final String subject,
        final KeyPair keys,
        final X509Certificate issuer,
        final PrivateKey issuerKey,
        final KeyPurposeId purpose,
        final boolean serverNames) throws GeneralSecurityException, OperatorCreationException, IOException
    {
        final X500Name issuerName = X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        final X509v3CertificateBuilder builder = newBuilder(issuerName, new X500Name(subject), keys);
        final JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            extensions.createAuthorityKeyIdentifier(issuer));
        if (serverNames)
        {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
        }
        return sign(builder, issuerKey);
    }

    private static X509v3CertificateBuilder newBuilder(final X500Name issuer, final X500Name subject, final KeyPair keys)
    {
        final Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            keys.getPublic());
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey signerKey)
        throws GeneralSecurityException, OperatorCreationException
    {
        final ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void writeCertificate(final Path file, final X509Certificate certificate) throws IOException
    {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out))
        {
            pem.writeObject(certificate);
        }
    }

    private static void writeKey(final Path file, final PrivateKey key) throws IOException
    {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out))
        {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
    }
}
