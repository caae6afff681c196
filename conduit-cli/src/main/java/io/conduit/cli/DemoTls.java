package io.conduit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.conduit.ConduitException;
import io.conduit.ErrorCode;

/**
 * A throwaway self-signed certificate for the demo's TLS row, made with the JDK's {@code keytool} in a private
 * temporary directory (mode 0700) and deleted on close. The certificate is its own authority: it names
 * {@code 127.0.0.1} and {@code localhost}, and is valid for one day.
 */
final class DemoTls implements AutoCloseable
{
    private static final String ALIAS = "conduit-demo";
    private static final String KEY_STORE_FILE = "conduit-demo.p12";
    private static final String PASSWORD_VARIABLE = "CONDUIT_DEMO_STORE_PASSWORD";
    private static final long KEYTOOL_TIMEOUT_MS = 30_000;

    private final Path directory;
    private final String password;
    private final boolean owner;
    private final KeyManagerFactory keyManagerFactory;
    private final TrustManagerFactory trustManagerFactory;

    private DemoTls(final Path directory, final String password, final boolean owner)
    {
        this.directory = directory;
        this.password = password;
        this.owner = owner;
        try (InputStream in = Files.newInputStream(directory.resolve(KEY_STORE_FILE)))
        {
            final KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
            keyManagerFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagerFactory.init(keyStore, password.toCharArray());

            final KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry(ALIAS, keyStore.getCertificate(ALIAS));
            trustManagerFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagerFactory.init(trustStore);
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new ConduitException(ErrorCode.TLS_HANDSHAKE_FAILED, ConduitException.Category.ERROR,
                "cannot load demo certificate: directory=" + directory + ", reason=" + ex.getMessage(), ex);
        }
    }

    /**
     * Make a new certificate and key.
     *
     * @return the TLS material; close it to delete the files.
     * @throws ConduitException when keytool is missing or fails.
     */
    static DemoTls generate()
    {
        final Path directory;
        try
        {
            directory = Files.createTempDirectory("conduit-demo-tls-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, ConduitException.Category.ERROR,
                "cannot make a private directory for the demo certificate: " + ex.getMessage(), ex);
        }
        final byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        final String password = Base64.getUrlEncoder().encodeToString(secret);
        try
        {
            runKeytool(directory, password);
            return new DemoTls(directory, password, true);
        }
        catch (final RuntimeException ex)
        {
            delete(directory);
            throw ex;
        }
    }

    /**
     * Load material made by {@link #generate()} in another process.
     *
     * @param directory holding it.
     * @param password  of its key store.
     * @return the TLS material; closing it leaves the files to their owner.
     */
    static DemoTls load(final Path directory, final String password)
    {
        return new DemoTls(directory, password, false);
    }

    private static void runKeytool(final Path directory, final String password)
    {
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final ProcessBuilder builder = new ProcessBuilder(
            keytool.toString(), "-genkeypair",
            "-alias", ALIAS,
            "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
            "-dname", "CN=conduit-demo",
            "-ext", "san=ip:127.0.0.1,dns:localhost",
            "-validity", "1",
            "-storetype", "PKCS12",
            "-keystore", directory.resolve(KEY_STORE_FILE).toString(),
            "-storepass:env", PASSWORD_VARIABLE)
            .redirectErrorStream(true);
        // Through the environment, so the password is not on a command line for others to see.
        builder.environment().put(PASSWORD_VARIABLE, password);
        try
        {
            final Process process = builder.start();
            process.getOutputStream().close();
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(KEYTOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new ConduitException(ErrorCode.TIMED_OUT, "keytool timed out: timeoutMs=" + KEYTOOL_TIMEOUT_MS);
            }
            if (process.exitValue() != 0)
            {
                throw new ConduitException(ErrorCode.GENERIC_ERROR, "keytool failed: exitCode=" + process.exitValue() +
                    ", output=" + new String(output, StandardCharsets.UTF_8).strip());
            }
        }
        catch (final IOException ex)
        {
            throw new ConduitException(ErrorCode.GENERIC_ERROR, ConduitException.Category.ERROR,
                "cannot run keytool: path=" + keytool + ", reason=" + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ConduitException(ErrorCode.TIMED_OUT, "interrupted running keytool");
        }
    }

    /**
     * @return the directory holding the key store.
     */
    Path directory()
    {
        return directory;
    }

    /**
     * @return the key store's password.
     */
    String password()
    {
        return password;
    }

    /**
     * @return keys holding the certificate and its private key.
     */
    KeyManagerFactory keyManagerFactory()
    {
        return keyManagerFactory;
    }

    /**
     * @return trust in exactly this certificate.
     */
    TrustManagerFactory trustManagerFactory()
    {
        return trustManagerFactory;
    }

    /**
     * Delete the files, when this process made them.
     */
    @Override
    public void close()
    {
        if (owner)
        {
            delete(directory);
        }
    }

    private static void delete(final Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignore)
        {
            // A temporary directory left behind is harmless: it holds a throwaway key, readable only by us.
        }
    }
}
