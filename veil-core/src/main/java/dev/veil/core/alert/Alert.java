package dev.veil.core.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.veil.core.codec.JsonText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real-time signal: what happened ({@code kind}), how bad it is, and where — stream, segment, field path, class,
 * grant id, record coordinates — but never a value. {@code key} identifies "the same alert again" for
 * deduplication (for example stream + path + class of undeclared PII).
 *
 * @param id          unique per alert, so receivers can drop redeliveries
 * @param repeats     how many identical alerts were folded into this one since the last delivered
 * @param suppressed  how many alerts of this kind the rate limit held back since the last delivered
 */
public record Alert(String id, String kind, Severity severity, Instant at, String instance, String key,
                    String message, Map<String, ?> fields, long repeats, long suppressed) {
    private static final JsonFactory JSON = new JsonFactory();

    /** Ordered by urgency. */
    public enum Severity { INFO, WARNING, CRITICAL }

    /** Fields are kept sorted by name, so every sink writes them in one order. */
    public Alert {
        fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    /** The alert as one JSON object: what every sink sends. */
    public byte[] toJson() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("kind", kind);
            g.writeStringField("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
            g.writeStringField("at", at.truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeStringField("instance", instance);
            g.writeStringField("key", key);
            g.writeStringField("message", message);
            g.writeFieldName("fields");
            g.writeStartObject();
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                g.writeFieldName(e.getKey());
                JsonText.write(g, e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("repeats", repeats);
            g.writeNumberField("suppressed", suppressed);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }
}
