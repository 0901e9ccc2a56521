package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.engine.Plan;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against the server: PEM and PKCS#12 identities, and mutual TLS with a client CA. */
class TlsTest {
    @TempDir
    Path dir;
    Plan plan;
    KeyPair caKey;
    X509Certificate ca;
    ApiTokens tokens;
    String viewer;

    @BeforeEach
    void setUp() throws Exception {
        plan = RetailPolicy.compiled(dir);
        caKey = ec();
        ca = certificate("CN=Veil Test CA", caKey, "CN=Veil Test CA", caKey.getPrivate(), true);
        ApiTokens.Created c = ApiTokens.empty().with("viewer", Set.of(Role.VIEWER), Set.of());
        tokens = c.tokens();
        viewer = c.token();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    X509Certificate certificate(String subject, KeyPair key, String issuer, PrivateKey signer, boolean isCa)
            throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now), new Date(now - 60_000), new Date(now + 3_600_000), new X500Name(subject),
                key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(signer)));
    }

    Path pem(String name, Object... objects) throws IOException {
        Path f = dir.resolve(name);
        try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(f))) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        }
        return f;
    }

    Path pkcs8(String name, PrivateKey k) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(k.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return f;
    }

    HttpClient client(KeyStore clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKey != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKey, "pw".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    static int get(HttpClient c, VeilServer s, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + "/v1/policy"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (token != null) {
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
        }
        return r.statusCode();
    }

    @Test
    void pemIdentityServesHttpsOnly() throws Exception {
        KeyPair k = ec();
        X509Certificate cert = certificate("CN=veil", k, "CN=Veil Test CA", caKey.getPrivate(), false);
        Tls tls = Tls.pem(pem("server.pem", cert, ca), pkcs8("server.key", k.getPrivate()));
        try (VeilServer s = VeilServer.builder(plan).port(0).tls(tls).tokens(tokens).start()) {
            assertThat(s.url()).startsWith("https://127.0.0.1:");
            assertThat(get(client(null), s, viewer)).isEqualTo(200);
            // plain HTTP on the same port gets no answer it could take for the API
            HttpClient plain = HttpClient.newHttpClient();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(s.url().replace("https", "http")
                    + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isInstanceOf(IOException.class);
            // a client that does not trust the CA refuses the server
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), s, viewer)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void pkcs12IdentityAndMutualTls() throws Exception {
        KeyPair k = ec();
        X509Certificate cert = certificate("CN=veil", k, "CN=Veil Test CA", caKey.getPrivate(), false);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("veil", k.getPrivate(), "secret".toCharArray(), new X509Certificate[] {cert, ca});
        Path p12 = dir.resolve("server.p12");
        try (var out = Files.newOutputStream(p12)) {
            ks.store(out, "secret".toCharArray());
        }
        Tls tls = Tls.pkcs12(p12, "secret".toCharArray()).requireClientCertificates(pem("clients-ca.pem", ca));
        KeyPair ck = ec();
        X509Certificate clientCert = certificate("CN=support-app", ck, "CN=Veil Test CA", caKey.getPrivate(), false);
        KeyStore client = KeyStore.getInstance("PKCS12");
        client.load(null, null);
        client.setKeyEntry("me", ck.getPrivate(), "pw".toCharArray(), new X509Certificate[] {clientCert});
        // a certificate from another CA is refused as well
        KeyPair otherCa = ec();
        X509Certificate stranger = certificate("CN=stranger", ck, "CN=Other CA", otherCa.getPrivate(), false);
        KeyStore strangerStore = KeyStore.getInstance("PKCS12");
        strangerStore.load(null, null);
        strangerStore.setKeyEntry("me", ck.getPrivate(), "pw".toCharArray(), new X509Certificate[] {stranger});
        try (VeilServer s = VeilServer.builder(plan).host("127.0.0.1").port(0).tls(tls).tokens(tokens).start()) {
            assertThat(get(client(client), s, viewer)).isEqualTo(200);
            assertThat(get(client(client), s, null)).isEqualTo(401); // a certificate bound to no one is no principal
            assertThatThrownBy(() -> get(client(null), s, viewer)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(client(strangerStore), s, viewer)).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> Tls.pkcs12(p12, "wrong".toCharArray())).hasMessageContaining("server.p12");

        // bound to a principal, the exact certificate signs in without a token, with that principal's roles only
        ApiTokens bound = tokens.withCertificate("support-app", clientCert, java.util.Set.of(Role.AUDITOR),
                java.util.Set.of());
        Path file = dir.resolve("tokens.json");
        bound.save(file);
        assertThat(ApiTokens.load(file).authenticate(clientCert)).isNotNull();
        try (VeilServer s = VeilServer.builder(plan).host("127.0.0.1").port(0).tls(tls).tokensFile(file).start()) {
            assertThat(get(client(client), s, null)).isEqualTo(200);
            assertThat(status(client(client), s, "/v1/whoami")).contains("\"via\":\"certificate\"")
                    .contains("support-app");
            assertThat(status(client(client), s, "/v1/audit/verify")).startsWith("404"); // auditor may; no audit file
            assertThat(status(client(client), s, "/v1/samples")).startsWith("403");
            // the same key under another certificate from the same CA is not the principal
            X509Certificate sibling = certificate("CN=support-app", ck, "CN=Veil Test CA", caKey.getPrivate(), false);
            KeyStore siblingStore = KeyStore.getInstance("PKCS12");
            siblingStore.load(null, null);
            siblingStore.setKeyEntry("me", ck.getPrivate(), "pw".toCharArray(), new X509Certificate[] {sibling});
            assertThat(get(client(siblingStore), s, null)).isEqualTo(401);
            // a token still wins over the certificate, and its principal is the token's
            assertThat(get(client(client), s, viewer)).isEqualTo(200);
        }
        assertThatThrownBy(() -> bound.withCertificate("again", clientCert, java.util.Set.of(Role.VIEWER), java.util.Set.of()))
                .hasMessageContaining("support-app");
    }

    static String status(HttpClient c, VeilServer s, String path) throws Exception {
        java.net.http.HttpResponse<String> r = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(s.url() + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void aNonLoopbackAddressWithTlsAndTokensIsAllowed() throws Exception {
        KeyPair k = ec();
        X509Certificate cert = certificate("CN=veil", k, "CN=Veil Test CA", caKey.getPrivate(), false);
        Tls tls = Tls.pem(pem("server.pem", cert), pkcs8("server.key", k.getPrivate()));
        try (VeilServer s = VeilServer.builder(plan).host("0.0.0.0").port(0).tls(tls).tokens(tokens).start()) {
            assertThat(s.port()).isPositive();
        }
        assertThatThrownBy(() -> VeilServer.builder(plan).host("0.0.0.0").port(0).tls(tls).start())
                .hasMessageContaining("authentication");
        assertThatThrownBy(() -> Tls.pem(pem("server2.pem", cert), pem("wrong.key", cert)))
                .hasMessageContaining("PKCS#8");
    }
}
