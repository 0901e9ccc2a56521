package dev.veil.core.detect;

import dev.veil.core.codec.JsonText;
import java.util.Locale;

/**
 * The detection output contract, one object per input line: {@code {"findings":[{"type":"EMAIL","start":12,
 * "end":31,"score":0.97}]}}, with {@code "path"} first in a finding when it came from a JSON field. Written by
 * {@code veil detect} and {@code POST /v1/detect} alike; outside checks read it, so it changes only with care.
 */
public final class FindingsJson {
    private FindingsJson() {
    }

    /** Appends one finding object; {@code path} may be null. Offsets are UTF-16, as in {@link Finding}. */
    public static void append(StringBuilder sb, CharSequence path, Finding f) {
        sb.append('{');
        if (path != null) {
            sb.append("\"path\":");
            JsonText.quote(path, sb);
            sb.append(',');
        }
        sb.append("\"type\":\"").append(f.dataClass().name()).append("\",\"start\":").append(f.start())
                .append(",\"end\":").append(f.end()).append(",\"score\":")
                .append(String.format(Locale.ROOT, "%.2f", f.score())).append('}');
    }

    /** Appends the object for a line that could not be scanned: no findings, and why (never the line). */
    public static void error(StringBuilder sb, String message) {
        sb.append("{\"findings\":[],\"error\":");
        JsonText.quote(message, sb);
        sb.append('}');
    }
}
