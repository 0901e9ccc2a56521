package dev.veil.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs from an OpenID Connect provider, checked against its JWKS: signature by a key of the set with an
 * asymmetric algorithm only ({@code alg: none} and HMAC are refused, so a public key can never be used as a shared
 * secret), exact issuer, the configured audience, {@code exp} required and honoured with a small clock skew,
 * {@code nbf} honoured. Roles and masker segments come from claims; a token naming no Veil role is authenticated
 * but admitted nowhere.
 */
public final class Oidc {
    /** The algorithms accepted: signatures by a private key, never a shared secret. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** The claim listing a masker's segments. */
    static final String SEGMENTS_CLAIM = "veil_segments";
    /** The claim naming the principal in audit entries. */
    static final String NAME_CLAIM = "sub";
    /** Clock skew allowed on exp and nbf. */
    static final int CLOCK_SKEW_SECONDS = 30;

    private final String rolesClaim;
    private final DefaultJWTProcessor<SecurityContext> processor;

    private Oidc(Builder b, JWKSource<SecurityContext> keys) {
        this.rolesClaim = b.rolesClaim;
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(b.audience),
                new JWTClaimsSet.Builder().issuer(b.issuer).build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
    }

    public static Builder builder(String issuer, String audience) {
        return new Builder(issuer, audience);
    }

    /** The provider's settings; {@link #jwks} says where its keys are. */
    public static final class Builder {
        private final String issuer;
        private final String audience;
        private String jwks;
        private String rolesClaim = "veil_roles";

        private Builder(String issuer, String audience) {
            if (issuer == null || issuer.isBlank() || audience == null || audience.isBlank()) {
                throw new IllegalArgumentException("OIDC needs an issuer and an audience");
            }
            this.issuer = issuer;
            this.audience = audience;
        }

        /** The JWKS: an {@code https://} (or loopback {@code http://}) URL, fetched and cached, or a local file. */
        public Builder jwks(String urlOrFile) {
            this.jwks = urlOrFile;
            return this;
        }

        /** The claim listing Veil roles (default {@code veil_roles}): an array or a space-separated string. */
        public Builder rolesClaim(String c) {
            this.rolesClaim = c;
            return this;
        }

        public Oidc build() throws IOException {
            if (jwks == null) {
                throw new IllegalArgumentException("OIDC needs a JWKS (URL or file)");
            }
            JWKSource<SecurityContext> keys;
            if (jwks.startsWith("https://") || jwks.startsWith("http://")) {
                URI u = URI.create(jwks);
                if (jwks.startsWith("http://") && !isLoopback(u.getHost())) {
                    throw new IllegalArgumentException("the JWKS must be fetched over https (plain http only from loopback)");
                }
                URL url = u.toURL();
                keys = JWKSourceBuilder.create(url).retrying(true).build();
            } else {
                try {
                    keys = new ImmutableJWKSet<>(JWKSet.parse(Files.readString(Path.of(jwks), StandardCharsets.UTF_8)));
                } catch (ParseException e) {
                    throw new IOException(jwks + " is not a JWK set: " + e.getMessage());
                }
            }
            return new Oidc(this, keys);
        }

        private static boolean isLoopback(String host) {
            return "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host) || "::1".equals(host);
        }
    }

    /** What went wrong with a token, for the 401 answer: never the token or its claims. */
    public static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether a bearer credential looks like a JWT rather than an API token. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first;
    }

    /** The principal a valid token stands for. */
    public Principal authenticate(String token) throws Rejected {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Rejected("malformed JWT");
        } catch (BadJOSEException e) {
            throw new Rejected(reason(e));
        } catch (JOSEException e) {
            throw new Rejected("JWT could not be verified (" + e.getClass().getSimpleName() + ")");
        }
        Object name = claims.getClaim(NAME_CLAIM);
        if (!(name instanceof String n) || n.isBlank()) {
            throw new Rejected("JWT has no '" + NAME_CLAIM + "' claim");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : strings(claims.getClaim(rolesClaim))) {
            Role role = Role.parse(r);
            if (role != null) {
                roles.add(role);
            }
        }
        return new Principal(n, roles, new HashSet<>(strings(claims.getClaim(SEGMENTS_CLAIM))), "jwt");
    }

    /** Nimbus' messages name the failed check without quoting the token; this maps them to a fixed text. */
    private static String reason(BadJOSEException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("Expired JWT")) {
            return "JWT expired";
        }
        if (m.startsWith("JWT before use time")) {
            return "JWT not yet valid";
        }
        if (m.startsWith("JWT missing required claims")) {
            return "JWT refused: sub and exp are required";
        }
        if (m.startsWith("JWT iss claim")) {
            return "JWT issuer is not the configured one";
        }
        if (m.startsWith("JWT aud claim") || m.startsWith("JWT missing required aud")) {
            return "JWT audience does not include this server";
        }
        if (m.contains("nsecured") || m.contains("plain")) {
            return "unsigned JWT (alg none) refused";
        }
        if (m.startsWith("Signed JWT rejected")) {
            return "JWT signature does not verify with the provider's keys (or its algorithm is not accepted)";
        }
        return "JWT refused";
    }

    private static List<String> strings(Object claim) {
        if (claim instanceof String s) {
            return List.of(s.trim().split("\\s+"));
        }
        if (claim instanceof Collection<?> c) {
            return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }
}
