package dev.veil.core.codec;

import dev.veil.core.codec.RecordException.Reason;
import dev.veil.core.engine.Plan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Masks text lines: {@linkplain Layout#PLAIN plain} lines are scanned whole by the content detectors and only the
 * found spans are replaced; {@linkplain Layout#LOGFMT logfmt} lines ({@code level=info user=ana@example.com
 * msg="paid with 4111 1111 1111 1111"}) treat each key as a field path, so path rules and field-name heuristics apply to
 * its value, and unruled values and bare words are scanned. A dropped key disappears with its value; a nullified one
 * keeps an empty value. Everything between the pairs stays as it was. Not thread-safe.
 */
public final class TextMasker extends TextViews {
    /** How a line is read. */
    public enum Layout { PLAIN, LOGFMT }

    private static final int MAX_CACHED_KEYS = 4096;

    private final Layout layout;
    private final FieldPlan free;
    private final Map<String, FieldPlan> keys = new HashMap<>();
    private final StringBuilder unescaped = new StringBuilder(64);

    private TextMasker(Plan plan, Layout layout) {
        super(plan);
        this.layout = layout;
        this.free = FieldPlan.text(plan);
    }

    public static TextMasker compile(Plan plan, Layout layout) {
        return new TextMasker(plan, layout);
    }

    public Layout layout() {
        return layout;
    }

    @Override
    void maskLine(String line) throws RecordException {
        if (layout == Layout.PLAIN) {
            emit(free, line, 0, line.length(), line);
        } else {
            logfmt(line);
        }
    }

    private void logfmt(String line) throws RecordException {
        int len = line.length();
        int i = 0;
        // Whitespace and bare words between pairs form one run of free text, scanned as a whole: a card number or a
        // name split over words is found as it would be in a plain line.
        int run = -1;
        while (i < len) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (run < 0) {
                    run = i;
                }
                i++;
                continue;
            }
            int ks = i;
            while (i < len && line.charAt(i) != '=' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            if (i >= len || line.charAt(i) != '=' || !isKey(line, ks, i)) {
                // a bare word, or a word with '=' that is no key (a URL's query, user:secret@host): free text
                while (i < len && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    i++;
                }
                if (run < 0) {
                    run = ks;
                }
                continue;
            }
            if (run >= 0) {
                emit(free, line, run, ks, line.substring(run, ks));
                run = -1;
            }
            String key = line.substring(ks, i);
            i++; // '='
            int vs = i;
            String value;
            boolean quotedValue = i < len && line.charAt(i) == '"';
            if (quotedValue) {
                unescaped.setLength(0);
                int j = i + 1;
                while (true) {
                    if (j >= len) {
                        throw new RecordException(Reason.TRUNCATED, "the quoted value of a key at char " + ks
                                + " is not closed");
                    }
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < len) {
                        char e = line.charAt(j + 1);
                        unescaped.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> e;
                        });
                        j += 2;
                        continue;
                    }
                    if (d == '"') {
                        break;
                    }
                    unescaped.append(d);
                    j++;
                }
                i = j + 1;
                value = unescaped.toString();
            } else {
                while (i < len && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    i++;
                }
                value = line.substring(vs, i);
            }
            FieldPlan f = plan(key);
            count(f);
            for (int s = 0; s < segs; s++) {
                StringBuilder t = text[s];
                if (f.kind[s] == FieldPlan.Kind.DROP) {
                    omitted(s);
                    if (t.length() > 0 && (t.charAt(t.length() - 1) == ' ' || t.charAt(t.length() - 1) == '\t')) {
                        t.setLength(t.length() - 1); // the pair goes with the space before it
                    }
                    continue;
                }
                CharSequence out = f.passthrough ? null : valueFor(f, s, value);
                if (out == null) {
                    t.append(line, ks, i);
                } else {
                    t.append(line, ks, vs);
                    quote(t, out);
                }
            }
        }
        if (run >= 0) {
            emit(free, line, run, len, line.substring(run));
        }
    }

    /** A logfmt key: letters, digits, {@code _ . -}; anything else before an {@code =} is not a field name. */
    private static boolean isKey(String line, int from, int to) {
        if (to == from) {
            return false;
        }
        for (int k = from; k < to; k++) {
            char c = line.charAt(k);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A run of free text: each segment gets it as it is or with its findings masked. */
    private void emit(FieldPlan f, String line, int from, int to, String value) {
        for (int s = 0; s < segs; s++) {
            CharSequence out = f.passthrough ? null : valueFor(f, s, value);
            if (out == null) {
                text[s].append(line, from, to);
            } else {
                text[s].append(out);
            }
        }
    }

    private FieldPlan plan(String key) {
        FieldPlan f = keys.get(key);
        if (f == null) {
            f = FieldPlan.of(plan, Arrays.asList(key.split("\\.", -1)));
            if (keys.size() < MAX_CACHED_KEYS) {
                keys.put(key, f);
            }
        }
        return f;
    }

    /** A logfmt value: bare when it can be, else quoted with backslash escapes. */
    private static void quote(StringBuilder t, CharSequence v) {
        boolean needs = v.length() == 0;
        for (int i = 0; i < v.length() && !needs; i++) {
            char c = v.charAt(i);
            needs = c <= ' ' || c == '=' || c == '"' || c == '\\';
        }
        if (!needs) {
            t.append(v);
            return;
        }
        t.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"', '\\' -> t.append('\\').append(c);
                case '\n' -> t.append("\\n");
                case '\r' -> t.append("\\r");
                case '\t' -> t.append("\\t");
                default -> t.append(c);
            }
        }
        t.append('"');
    }
}
