package dev.veil.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The server's TLS identity (a PKCS#12 store, or PEM certificate chain and PKCS#8 key) and, for mutual TLS, the
 * CA certificates client certificates must chain to. Loaded once at start; errors name the file.
 */
public final class Tls {
    /** In-memory store password: the stores below never touch disk, the password only satisfies the API. */
    private static final char[] MEMORY = "veil-in-memory".toCharArray();

    private final KeyStore keyStore;
    private final char[] password;
    private final KeyStore clientCas;

    private Tls(KeyStore keyStore, char[] password, KeyStore clientCas) {
        this.keyStore = keyStore;
        this.password = password;
        this.clientCas = clientCas;
    }

    /** From a PKCS#12 file holding the server's key and certificate chain. */
    public static Tls pkcs12(Path file, char[] password) throws IOException {
        InputStream in = Files.newInputStream(file);
        try (in) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return new Tls(ks, password.clone(), null);
        } catch (GeneralSecurityException | IOException e) {
            // a wrong password surfaces as an IOException from load(): name the file either way
            throw new IOException(file + ": not a PKCS#12 store this password opens (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** From a PEM certificate chain (server certificate first) and an unencrypted PKCS#8 PEM private key. */
    public static Tls pem(Path certificates, Path privateKey) throws IOException {
        List<Certificate> chain = certificates(certificates);
        if (chain.isEmpty()) {
            throw new IOException(certificates + ": no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = privateKey(privateKey);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("veil", key, MEMORY, chain.toArray(Certificate[]::new));
            return new Tls(ks, MEMORY, null);
        } catch (GeneralSecurityException e) {
            throw new IOException(privateKey + ": the key does not fit the certificate in " + certificates);
        }
    }

    /** The same identity, requiring client certificates issued by the CAs in {@code pemFile}. */
    public Tls requireClientCertificates(Path pemFile) throws IOException {
        List<Certificate> cas = certificates(pemFile);
        if (cas.isEmpty()) {
            throw new IOException(pemFile + ": no CA certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ts.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return new Tls(keyStore, password, ts);
        } catch (GeneralSecurityException e) {
            throw new IOException(pemFile + ": cannot hold these certificates (" + e.getClass().getSimpleName() + ")");
        }
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    char[] password() {
        return password.clone();
    }

    /** The client CAs, or null when client certificates are not required. */
    public KeyStore clientCas() {
        return clientCas;
    }

    /** Whether clients must present a certificate from {@link #clientCas()} (mutual TLS). */
    public boolean clientCertificatesRequired() {
        return clientCas != null;
    }

    private static List<Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not PEM certificates (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int b = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int e = text.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) {
            throw new IOException(file + ": expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(b + 27, e));
        } catch (IllegalArgumentException x) {
            throw new IOException(file + ": the key is not valid base64");
        }
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException x) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": not an EC, RSA or Ed25519 private key");
    }
}
