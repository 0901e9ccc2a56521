package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.veil.core.engine.Plan;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC bearer tokens end to end: a provider's JWKS served over HTTP on loopback (as an IdP serves it), tokens
 * signed with its keys, and every way a token must fail — expired, not yet valid, wrong issuer, wrong audience,
 * unsigned ({@code alg: none}), signed by another key, HMAC-signed with the public key as secret, no expiry.
 */
class OidcTest {
    static final String ISSUER = "https://idp.example.test/realms/veil";
    static final String AUDIENCE = "veil-console";

    @TempDir
    Path dir;
    RSAKey idpKey;
    ECKey idpEcKey;
    HttpServer idp;
    final AtomicInteger jwksFetches = new AtomicInteger();
    VeilServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        idpEcKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] jwks = new JWKSet(List.of(idpKey.toPublicJWK(), idpEcKey.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks", ex -> {
            jwksFetches.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        idp.start();
        Plan plan = RetailPolicy.compiled(dir);
        Oidc oidc = Oidc.builder(ISSUER, AUDIENCE).jwks("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks").build();
        server = VeilServer.builder(plan).port(0).oidc(oidc).requestsPerSecond(1000).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
        idp.stop(0);
    }

    JWTClaimsSet.Builder claims() {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("dana").issueTime(new Date(now))
                .expirationTime(new Date(now + 300_000)).claim("veil_roles", List.of("auditor", "viewer", "no-such-role"));
    }

    String rs256(JWTClaimsSet c, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidTokenFromTheProviderIsAPrincipalWithTheRolesItsClaimNames() throws Exception {
        HttpResponse<String> me = get("/v1/whoami", rs256(claims().build(), idpKey));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"dana\"").contains("\"via\":\"jwt\"")
                .contains("\"roles\":[\"auditor\",\"viewer\"]");
        // the roles are enforced as for API tokens
        assertThat(get("/v1/policy", rs256(claims().build(), idpKey)).statusCode()).isEqualTo(200);
        assertThat(get("/v1/samples", rs256(claims().build(), idpKey)).statusCode()).isEqualTo(403);
        // EC keys of the same set work too; a space-separated roles string is read as a list
        SignedJWT ec = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                claims().claim("veil_roles", "operator viewer").build());
        ec.sign(new ECDSASigner(idpEcKey));
        assertThat(get("/v1/whoami", ec.serialize()).body()).contains("\"roles\":[\"operator\",\"viewer\"]");
        // the key set was fetched once and cached
        assertThat(jwksFetches.get()).isEqualTo(1);
    }

    @Test
    void everyBadTokenIsRefusedWithItsReasonAndNeverReachesARoute() throws Exception {
        long now = System.currentTimeMillis();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, another key
        String expired = rs256(claims().expirationTime(new Date(now - 120_000)).build(), idpKey);
        String early = rs256(claims().notBeforeTime(new Date(now + 600_000)).build(), idpKey);
        String wrongIssuer = rs256(claims().issuer("https://evil.example.test").build(), idpKey);
        String wrongAudience = rs256(claims().audience("another-app").build(), idpKey);
        String noExpiry = rs256(new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("dana")
                .claim("veil_roles", List.of("viewer")).build(), idpKey);
        String unsigned = new PlainJWT(claims().build()).serialize();
        String forged = rs256(claims().build(), stranger);
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        hmac.sign(new MACSigner(idpKey.toRSAPublicKey().getEncoded())); // the public key as a shared secret
        String good = rs256(claims().build(), idpKey);
        String tampered = good.substring(0, good.indexOf('.') + 1)
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims().subject("root")
                .claim("veil_roles", List.of("policy-admin")).build().toString().getBytes(StandardCharsets.UTF_8))
                + good.substring(good.lastIndexOf('.'));

        record Case(String name, String token, String reason) {
        }
        for (Case c : List.of(new Case("expired", expired, "JWT expired"), new Case("not yet valid", early, "not yet valid"),
                new Case("issuer", wrongIssuer, "issuer"), new Case("audience", wrongAudience, "audience"),
                new Case("no exp", noExpiry, "JWT refused"), new Case("alg none", unsigned, "JWT"),
                new Case("other key", forged, "signature"), new Case("HS256 with the public key", hmac.serialize(), "JWT"),
                new Case("tampered claims", tampered, "signature"), new Case("garbage", "a.b.c", "malformed"))) {
            HttpResponse<String> res = get("/v1/whoami", c.token());
            assertThat(res.statusCode()).as(c.name() + ": " + res.body()).isEqualTo(401);
            assertThat(res.body()).as(c.name()).contains(c.reason()).doesNotContain("dana");
        }
    }

    @Test
    void theProviderSettingsAreCheckedWhenTheServerIsConfigured() {
        assertThatThrownBy(() -> Oidc.builder(ISSUER, AUDIENCE).jwks("http://idp.example.test/jwks").build())
                .hasMessageContaining("https");
        assertThatThrownBy(() -> Oidc.builder(ISSUER, " ")).hasMessageContaining("audience");
        assertThatThrownBy(() -> Oidc.builder(ISSUER, AUDIENCE).build()).hasMessageContaining("JWKS");
    }

    @Test
    void aJwkSetFileWorksWithoutANetwork() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(idpKey.toPublicJWK()).toString());
        Oidc o = Oidc.builder(ISSUER, AUDIENCE).jwks(jwks.toString()).build();
        assertThat(o.authenticate(rs256(claims().build(), idpKey)).name()).isEqualTo("dana");
        assertThatThrownBy(() -> o.authenticate(rs256(claims().build(), new RSAKeyGenerator(2048).keyID("rsa-1").generate())))
                .isInstanceOf(Oidc.Rejected.class);
    }
}
