package dev.veil.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * API principals ({@code tokens.json}): each signs in either with a token, stored as its SHA-256 digest only (the
 * token itself is shown once, when created), or with a client certificate under mutual TLS, stored as the
 * certificate's SHA-256 fingerprint. Tokens are 32 random bytes, so a plain digest is enough; there is nothing to
 * brute-force, unlike a password. Immutable; {@link #with}, {@link #withCertificate} and {@link #without} return new
 * sets for {@link #save}.
 */
public final class ApiTokens {
    /** Every token starts with this, so secret scanners (and Veil's own detector) can recognize a leaked one. */
    public static final String PREFIX = "veil_at_";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One stored principal: who it is for, what it may do, when it was made; the token's digest (never the token) or
     * the fingerprint of the client certificate it signs in with — exactly one of the two.
     */
    public record Entry(String name, String digest, String certificate, Set<Role> roles, Set<String> segments,
                        Instant created) {
        public Entry {
            roles = Set.copyOf(roles);
            segments = Set.copyOf(segments);
            if ((digest == null) == (certificate == null)) {
                throw new IllegalArgumentException(name + ": a principal has a token digest or a certificate fingerprint");
            }
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byDigest;
    private final Map<String, Entry> byCertificate;

    private ApiTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.byDigest = entries.stream().filter(e -> e.digest() != null)
                .collect(Collectors.toUnmodifiableMap(Entry::digest, Function.identity()));
        this.byCertificate = entries.stream().filter(e -> e.certificate() != null)
                .collect(Collectors.toUnmodifiableMap(Entry::certificate, Function.identity(), (a, b) -> {
                    throw new IllegalArgumentException("the certificate of '" + b.name() + "' already signs in as '"
                            + a.name() + "'; revoke one first");
                }));
    }

    public static ApiTokens empty() {
        return new ApiTokens(List.of());
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The principal a presented token stands for, or null when it is unknown. */
    public Principal authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return null;
        }
        Entry e = byDigest.get(digest(token));
        return e == null ? null : new Principal(e.name(), e.roles(), e.segments(), "token");
    }

    /**
     * The principal a client certificate stands for, or null when none is bound to it. The TLS layer has already
     * checked the certificate chains to a trusted client CA; this pins the exact certificate to one principal.
     */
    public Principal authenticate(java.security.cert.X509Certificate certificate) {
        if (certificate == null || byCertificate.isEmpty()) {
            return null;
        }
        Entry e = byCertificate.get(fingerprint(certificate));
        return e == null ? null : new Principal(e.name(), e.roles(), e.segments(), "certificate");
    }

    /** The SHA-256 fingerprint of a certificate's DER encoding, in lower-case hex. */
    public static String fingerprint(java.security.cert.X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new random token for {@code name}; returns the token (show it once) and the set that stores its digest. */
    public Created with(String name, Set<Role> roles, Set<String> segments) {
        check(name, roles, segments);
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        List<Entry> l = new ArrayList<>(entries);
        l.add(new Entry(name, digest(token), null, roles, segments, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        return new Created(token, new ApiTokens(l));
    }

    /**
     * The set with {@code name} signing in by the client certificate {@code certificate} (mutual TLS), no token.
     */
    public ApiTokens withCertificate(String name, java.security.cert.X509Certificate certificate, Set<Role> roles,
                                     Set<String> segments) {
        check(name, roles, segments);
        List<Entry> l = new ArrayList<>(entries);
        l.add(new Entry(name, null, fingerprint(certificate), roles, segments, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        return new ApiTokens(l); // refuses a certificate bound already
    }

    private void check(String name, Set<Role> roles, Set<String> segments) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new IllegalArgumentException("a token name is 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        if (entries.stream().anyMatch(e -> e.name().equals(name))) {
            throw new IllegalArgumentException("a token named '" + name + "' exists; revoke it first");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        if (roles.contains(Role.MASKER) && segments.isEmpty()) {
            throw new IllegalArgumentException("a masker token needs the segments it may receive");
        }
    }

    /** A token just made, and the set holding its digest. */
    public record Created(String token, ApiTokens tokens) {
    }

    /** The set without the token named {@code name}. */
    public ApiTokens without(String name) {
        return new ApiTokens(entries.stream().filter(e -> !e.name().equals(name)).toList());
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a token file; a missing file is an empty set.
     *
     * @throws IOException naming the file and the entry when it cannot be read
     */
    public static ApiTokens load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a token file (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode list = root == null ? null : root.get("tokens");
        if (list == null || !list.isArray()) {
            throw new IOException(file + ": expected {\"tokens\": [...]}");
        }
        List<Entry> l = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) {
            String where = file + ": tokens[" + i++ + "]";
            String name = n.path("name").asText(null);
            String digest = n.path("sha256").asText(null);
            String cert = n.path("certificate_sha256").asText(null);
            if (name == null || (digest == null) == (cert == null)
                    || !(digest != null ? digest : cert).matches("[0-9a-f]{64}")) {
                throw new IOException(where + ": needs name and either sha256 (a token's digest) or certificate_sha256"
                        + " (a client certificate's fingerprint), 64 hex digits");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (JsonNode r : n.path("roles")) {
                Role role = Role.parse(r.asText());
                if (role == null) {
                    throw new IOException(where + ".roles: unknown role '" + r.asText() + "'");
                }
                roles.add(role);
            }
            Set<String> segments = new LinkedHashSet<>();
            n.path("segments").forEach(s -> segments.add(s.asText()));
            Instant created = n.hasNonNull("created") ? Instant.parse(n.get("created").asText()) : Instant.EPOCH;
            l.add(new Entry(name, digest, cert, roles, segments, created));
        }
        try {
            return new ApiTokens(l);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** Writes the file atomically, readable by its owner only where the file system allows. */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tokens", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's protection applies
            }
            try (OutputStream out = Files.newOutputStream(tmp);
                 JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
                g.writeStartObject();
                g.writeArrayFieldStart("tokens");
                for (Entry e : entries) {
                    g.writeStartObject();
                    g.writeStringField("name", e.name());
                    if (e.digest() != null) {
                        g.writeStringField("sha256", e.digest());
                    } else {
                        g.writeStringField("certificate_sha256", e.certificate());
                    }
                    g.writeArrayFieldStart("roles");
                    for (Role r : new TreeSet<>(e.roles())) {
                        g.writeString(r.text());
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("segments");
                    for (String s : new TreeSet<>(e.segments())) {
                        g.writeString(s);
                    }
                    g.writeEndArray();
                    g.writeStringField("created", e.created().toString());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
