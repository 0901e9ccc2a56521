package dev.veil.core.governance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A grant request: who asks to lift masking, why, for which segment and stream, over which classes or fields
 * (optionally only for some data subjects, by fingerprint, or for records whose key matches a pattern), from when
 * and for how long. Immutable; {@link #canonical()} is the exact byte form signatures cover.
 *
 * @param subjects   keyed fingerprints of data-subject ids (never the ids); empty: every subject
 * @param keyPattern RE2 pattern the whole record key must match, or null
 */
public record Grant(String id, String policy, String stream, String segment, List<String> classes, List<String> fields,
                    List<String> subjects, String keyPattern, String requester, String reason, String ticket,
                    Instant start, Duration duration, Instant requestedAt) {
    private static final JsonFactory JSON = new JsonFactory();
    private static final java.security.SecureRandom ID_RANDOM = new java.security.SecureRandom();

    /** A fresh grant id: {@code g-} and 12 random hex digits. */
    public static String newId() {
        byte[] rnd = new byte[6];
        ID_RANDOM.nextBytes(rnd);
        return "g-" + java.util.HexFormat.of().formatHex(rnd);
    }

    public Grant {
        classes = List.copyOf(classes);
        fields = List.copyOf(fields);
        subjects = List.copyOf(subjects);
    }

    /** When the grant stops (exclusive). */
    public Instant end() {
        return start.plus(duration);
    }

    /** Whether {@code epochMillis} lies in {@code [start, start + duration)}. */
    public boolean activeAt(long epochMillis) {
        return epochMillis >= start.toEpochMilli() && epochMillis < end().toEpochMilli();
    }

    /** The request as canonical JSON: fixed member order, no whitespace. What the requester signs. */
    public byte[] canonical() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("policy", policy);
        g.writeStringField("stream", stream);
        g.writeStringField("segment", segment);
        list(g, "classes", classes);
        list(g, "fields", fields);
        list(g, "subjects", subjects);
        if (keyPattern != null) {
            g.writeStringField("key_pattern", keyPattern);
        }
        g.writeStringField("requester", requester);
        g.writeStringField("reason", reason);
        g.writeStringField("ticket", ticket);
        g.writeStringField("start", GovernanceRecord.time(start));
        g.writeStringField("duration", duration.toString());
        g.writeStringField("requested_at", GovernanceRecord.time(requestedAt));
        g.writeEndObject();
    }

    private static void list(JsonGenerator g, String name, List<String> items) throws IOException {
        g.writeArrayFieldStart(name);
        for (String s : items) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /** What the scope covers, for people: "classes EMAIL, PHONE; fields customer.email; 2 subjects". */
    public String scopeText() {
        StringBuilder sb = new StringBuilder();
        if (!classes.isEmpty()) {
            sb.append("classes ").append(String.join(", ", classes));
        }
        if (!fields.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append("fields ").append(String.join(", ", fields));
        }
        if (!subjects.isEmpty()) {
            sb.append("; ").append(subjects.size()).append(subjects.size() == 1 ? " subject" : " subjects");
        }
        if (keyPattern != null) {
            sb.append("; keys matching ").append(keyPattern);
        }
        return sb.toString();
    }
}
