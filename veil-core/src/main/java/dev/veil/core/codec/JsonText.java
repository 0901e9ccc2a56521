package dev.veil.core.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;

/** JSON string literals for small texts built as Java strings: reports, quarantine entries, canonical forms. */
public final class JsonText {
    private JsonText() {
    }

    /** Appends {@code s} as a quoted JSON string, escaping quotes, backslashes and control characters. */
    public static StringBuilder quote(CharSequence s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }

    /**
     * Writes a plain value — string, number, boolean, null, or lists and maps of them — with {@code g}. Anything
     * else is refused: an arbitrary object's {@code toString} could carry record content into an audit entry or
     * alert.
     */
    public static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            // Only plain values: an arbitrary object's toString could carry anything, values included.
            throw new IllegalArgumentException("audit and alert fields take strings, numbers, booleans, lists and maps, not "
                    + v.getClass().getName());
        }
    }

}
