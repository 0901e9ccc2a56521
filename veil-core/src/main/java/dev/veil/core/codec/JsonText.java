package dev.veil.core.codec;

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
}
