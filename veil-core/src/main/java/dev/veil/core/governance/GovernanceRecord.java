package dev.veil.core.governance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.veil.core.keys.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A signed governance record as it travels (control topic, local store): a grant (requested, maybe approved), a
 * revocation, or a consent change. Each carries Ed25519 signatures over fixed, domain-separated messages built from
 * its fields, so an edited field, a moved signature or an unsigned record does not verify. Records hold identity
 * names, fingerprints and times, never a subject id or any other raw value.
 */
public sealed interface GovernanceRecord {
    JsonFactory JSON = new JsonFactory();

    /** How every store key starts: one per kind of record. */
    List<String> STORE_KEY_PREFIXES = List.of("grant/", "revoke/", "consent/");

    /** Whether a control-topic key names a governance record. */
    static boolean isStoreKey(String key) {
        for (String p : STORE_KEY_PREFIXES) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Where the record lives in a keyed store: {@code grant/ID}, {@code revoke/ID}, {@code consent/FINGERPRINT}. */
    String storeKey();

    /** The record as one line of JSON. */
    byte[] toJson();

    /** The audit entry type this record's arrival is logged as: grant-requested, grant-approved, ... */
    String auditType();

    /** The audit entry's fields: identities, ids, scope and window, fingerprints — never a subject id or value. */
    Map<String, Object> auditFields();

    /** A grant request with the requester's signature, and the approval once there is one. */
    record GrantRecord(Grant grant, String requestSig, String approver, Instant approvedAt, String approvalSig)
            implements GovernanceRecord {
        /** Signs a request as {@code requester}. */
        public static GrantRecord request(Grant g, Identity requester) {
            if (!requester.name().equals(g.requester())) {
                throw new IllegalArgumentException("the grant names requester " + g.requester() + ", not " + requester.name());
            }
            return new GrantRecord(g, b64(requester.sign(requestMessage(g))), null, null, null);
        }

        /** This request approved and signed by {@code approver} at {@code at}. */
        public GrantRecord approve(Identity approver, Instant at) {
            Instant t = at.truncatedTo(ChronoUnit.MILLIS);
            return new GrantRecord(grant, requestSig, approver.name(), t,
                    b64(approver.sign(approvalMessage(grant, approver.name(), t))));
        }

        public boolean approved() {
            return approver != null;
        }

        @Override
        public String auditType() {
            return approved() ? "grant-approved" : "grant-requested";
        }

        @Override
        public Map<String, Object> auditFields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("grant", grant.id());
            f.put("policy", grant.policy());
            f.put("stream", grant.stream());
            f.put("segment", grant.segment());
            f.put("classes", grant.classes());
            f.put("fields", grant.fields());
            f.put("subjects", grant.subjects().size());
            f.put("key_pattern", grant.keyPattern() != null);
            f.put("requester", grant.requester());
            if (approved()) {
                f.put("approver", approver);
            }
            f.put("ticket", grant.ticket());
            f.put("start", time(grant.start()));
            f.put("end", time(grant.end()));
            return f;
        }

        @Override
        public String storeKey() {
            return "grant/" + grant.id();
        }

        @Override
        public byte[] toJson() {
            return json(g -> {
                g.writeStringField("kind", "grant");
                g.writeFieldName("grant");
                grant.write(g);
                g.writeStringField("request_sig", requestSig);
                if (approver != null) {
                    g.writeStringField("approver", approver);
                    g.writeStringField("approved_at", time(approvedAt));
                    g.writeStringField("approval_sig", approvalSig);
                }
            });
        }
    }

    /** A signed revocation: the grant has no effect from now on, on every instance. */
    record Revocation(String grantId, String by, Instant at, String reason, String sig) implements GovernanceRecord {
        public static Revocation sign(String grantId, Identity by, Instant at, String reason) {
            Instant t = at.truncatedTo(ChronoUnit.MILLIS);
            return new Revocation(grantId, by.name(), t, reason, b64(by.sign(message(grantId, by.name(), t, reason))));
        }

        static byte[] message(String id, String by, Instant at, String reason) {
            return ("veil-grant-revoke\n" + id + "\n" + by + "\n" + time(at) + "\n" + reason).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String storeKey() {
            return "revoke/" + grantId;
        }

        @Override
        public String auditType() {
            return "grant-revoked";
        }

        @Override
        public Map<String, Object> auditFields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("grant", grantId);
            f.put("by", by);
            return f;
        }

        @Override
        public byte[] toJson() {
            return json(g -> {
                g.writeStringField("kind", "revoke");
                g.writeStringField("grant", grantId);
                g.writeStringField("by", by);
                g.writeStringField("at", time(at));
                g.writeStringField("reason", reason);
                g.writeStringField("sig", sig);
            });
        }
    }

    /** A signed consent change for one data subject, named only by its keyed fingerprint. */
    record ConsentChange(String subject, boolean optedOut, String by, Instant at, String sig) implements GovernanceRecord {
        public static ConsentChange sign(String fingerprint, boolean optedOut, Identity by, Instant at) {
            Instant t = at.truncatedTo(ChronoUnit.MILLIS);
            return new ConsentChange(fingerprint, optedOut, by.name(), t,
                    b64(by.sign(message(fingerprint, optedOut, by.name(), t))));
        }

        static byte[] message(String fp, boolean out, String by, Instant at) {
            return ("veil-consent\n" + fp + "\n" + (out ? "opted-out" : "opted-in") + "\n" + by + "\n" + time(at))
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String storeKey() {
            return "consent/" + subject;
        }

        @Override
        public String auditType() {
            return "consent-changed";
        }

        @Override
        public Map<String, Object> auditFields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("subject", subject);
            f.put("state", optedOut ? "opted-out" : "opted-in");
            f.put("by", by);
            return f;
        }

        @Override
        public byte[] toJson() {
            return json(g -> {
                g.writeStringField("kind", "consent");
                g.writeStringField("subject", subject);
                g.writeStringField("state", optedOut ? "opted-out" : "opted-in");
                g.writeStringField("by", by);
                g.writeStringField("at", time(at));
                g.writeStringField("sig", sig);
            });
        }
    }

    static byte[] requestMessage(Grant g) {
        return concat("veil-grant-request\n", g.canonical(), "");
    }

    static byte[] approvalMessage(Grant g, String approver, Instant at) {
        return concat("veil-grant-approve\n", g.canonical(), "\n" + approver + "\n" + time(at));
    }

    private static byte[] concat(String head, byte[] body, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + body.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        System.arraycopy(t, 0, out, h.length + body.length, t.length);
        return out;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Instants as ISO-8601 UTC with milliseconds: the one form that signatures cover. */
    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Parses a record. Unknown or missing members are errors: a record this version cannot read fully has no
     * effect rather than a partial one.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting values)
     */
    static GovernanceRecord parse(byte[] json) {
        Map<String, Object> m;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            m = object(p, 0);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the record");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON at " + e.getLocation().getCharOffset());
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable: " + e.getClass().getSimpleName());
        }
        String kind = str(m, "kind");
        switch (kind) {
            case "grant" -> {
                only(m, Set.of("kind", "grant", "request_sig", "approver", "approved_at", "approval_sig"));
                Object go = m.get("grant");
                if (!(go instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("'grant' must be an object");
                }
                @SuppressWarnings("unchecked") Map<String, Object> g = (Map<String, Object>) go;
                only(g, Set.of("id", "policy", "stream", "segment", "classes", "fields", "subjects", "key_pattern",
                        "requester", "reason", "ticket", "start", "duration", "requested_at"));
                Grant grant = new Grant(str(g, "id"), str(g, "policy"), str(g, "stream"), str(g, "segment"),
                        strings(g, "classes"), strings(g, "fields"), strings(g, "subjects"), optStr(g, "key_pattern"),
                        str(g, "requester"), str(g, "reason"), str(g, "ticket"), instant(g, "start"), duration(g, "duration"),
                        instant(g, "requested_at"));
                String approver = optStr(m, "approver");
                return new GrantRecord(grant, str(m, "request_sig"), approver,
                        approver == null ? null : instant(m, "approved_at"), approver == null ? null : str(m, "approval_sig"));
            }
            case "revoke" -> {
                only(m, Set.of("kind", "grant", "by", "at", "reason", "sig"));
                return new Revocation(str(m, "grant"), str(m, "by"), instant(m, "at"), str(m, "reason"), str(m, "sig"));
            }
            case "consent" -> {
                only(m, Set.of("kind", "subject", "state", "by", "at", "sig"));
                String state = str(m, "state");
                if (!state.equals("opted-out") && !state.equals("opted-in")) {
                    throw new IllegalArgumentException("consent state must be opted-out or opted-in");
                }
                return new ConsentChange(str(m, "subject"), state.equals("opted-out"), str(m, "by"), instant(m, "at"),
                        str(m, "sig"));
            }
            default -> throw new IllegalArgumentException("unknown record kind");
        }
    }

    private static Map<String, Object> object(JsonParser p, int depth) throws IOException {
        if (depth > 8) {
            throw new IllegalArgumentException("nested too deeply");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            Object v;
            if (t == JsonToken.START_OBJECT) {
                v = object(p, depth + 1);
            } else if (t == JsonToken.START_ARRAY) {
                List<Object> l = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e != JsonToken.VALUE_STRING) {
                        throw new IllegalArgumentException("'" + k + "' must list strings");
                    }
                    l.add(p.getText());
                }
                v = l;
            } else if (t == JsonToken.VALUE_STRING) {
                v = p.getText();
            } else {
                throw new IllegalArgumentException("'" + k + "' must be a string, list or object");
            }
            if (m.put(k, v) != null) {
                throw new IllegalArgumentException("'" + k + "' appears twice");
            }
        }
        return m;
    }

    private static void only(Map<String, Object> m, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("unknown member '" + k + "'");
            }
        }
    }

    private static String str(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + k + "' missing or not a string");
        }
        return s;
    }

    private static String optStr(Map<String, Object> m, String k) {
        return m.containsKey(k) ? str(m, k) : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof List<?>)) {
            throw new IllegalArgumentException("'" + k + "' missing or not a list");
        }
        return (List<String>) v;
    }

    private static Instant instant(Map<String, Object> m, String k) {
        try {
            return Instant.parse(str(m, k));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + k + "' is not an ISO-8601 instant");
        }
    }

    private static Duration duration(Map<String, Object> m, String k) {
        try {
            return Duration.parse(str(m, k));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + k + "' is not an ISO-8601 duration");
        }
    }
}
