package dev.veil.core.codec;

import java.nio.charset.StandardCharsets;

/**
 * The strict RFC 8259 lexing steps shared by the masker and the walker: whitespace, strings (escapes checked,
 * UTF-8 validated eight bytes at a time), numbers, literals, and string decoding. Positions are absolute
 * offsets into the record's array; errors carry offsets relative to the record start and never its content.
 * Not thread-safe; one per masker or walker.
 */
final class JsonLexer {
    static final int MAX_NUMBER_CHARS = 1000;

    /** Bytes that end the fast path inside a string: quote, backslash, control characters, non-ASCII. */
    private static final boolean[] STRING_SPECIAL = new boolean[256];
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING_SPECIAL[c] = true;
        }
        for (int c = 0x80; c < 0x100; c++) {
            STRING_SPECIAL[c] = true;
        }
        STRING_SPECIAL['"'] = true;
        STRING_SPECIAL['\\'] = true;
    }

    byte[] buf;
    int off;
    int end;
    /** Whether the last string scanned by {@link #stringEnd} had escapes. */
    boolean escaped;
    private final StringBuilder text = new StringBuilder(64);

    void reset(byte[] buf, int off, int end) {
        this.buf = buf;
        this.off = off;
        this.end = end;
    }

    /**
     * Skips whitespace after a value. At the top level the record must end there; inside a container the next
     * byte must exist. Returns its position.
     */
    int afterValue(int p, boolean top) throws RecordException {
        p = ws(p);
        if (top) {
            if (p != end) {
                throw new RecordException(RecordException.Reason.INVALID_JSON,
                        "invalid JSON at byte " + (p - off) + ": more than one value in the record");
            }
            return p;
        }
        if (p >= end) {
            throw truncated();
        }
        return p;
    }

    /** After a member name ending at {@code ke}: whitespace, the colon, whitespace; returns the value's position. */
    int colon(int ke) throws RecordException {
        int p = ws(ke);
        if (p >= end) {
            throw truncated();
        }
        if (buf[p] != ':') {
            throw unexpected(p);
        }
        return ws(p + 1);
    }

    int ws(int p) {
        if (p < end && (buf[p] & 0xff) > ' ') {
            return p; // compact JSON: usually nothing to skip
        }
        while (p < end) {
            byte b = buf[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            p++;
        }
        return p;
    }

    /** The end of the string starting at {@code p} (past its closing quote); sets {@link #escaped}. */
    int stringEnd(int p) throws RecordException {
        int i = p + 1;
        boolean esc = false;
        final byte[] b = buf;
        final int e = end;
        while (true) {
            // eight plain bytes at a time: no quote, backslash, control character or non-ASCII byte among them
            while (i + 8 <= e) {
                long x = Utf8.word(b, i);
                long q = x ^ 0x2222222222222222L;
                long s = x ^ 0x5c5c5c5c5c5c5c5cL;
                long special = (((q - ONES) & ~q) | ((s - ONES) & ~s) | ((x - 0x2020202020202020L) & ~x) | x) & HIGHS;
                if (special != 0) {
                    // the lowest flagged byte is a real special byte (false positives only arise above one)
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            while (i < e && !STRING_SPECIAL[b[i] & 0xff]) {
                i++;
            }
            if (i >= e) {
                throw truncated();
            }
            byte c = b[i];
            if (c < 0) {
                int n = Utf8.sequence(b, i, e);
                if (n < 0) {
                    throw new RecordException(RecordException.Reason.INVALID_UTF8, "invalid UTF-8 at byte " + (i - off));
                }
                i += n;
                continue;
            }
            if (c == '"') {
                escaped = esc;
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= e) {
                    throw truncated();
                }
                byte x = b[i + 1];
                if (x == 'u') {
                    if (i + 6 > e) {
                        throw truncated();
                    }
                    for (int k = i + 2; k < i + 6; k++) {
                        if (Character.digit(b[k], 16) < 0) {
                            throw invalid(k, "invalid \\u escape");
                        }
                    }
                    i += 6;
                } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') {
                    i += 2;
                } else {
                    throw invalid(i, "invalid escape");
                }
                esc = true;
            } else {
                throw invalid(i, "control character in string");
            }
        }
    }

    int numberEnd(int p) throws RecordException {
        int i = p;
        if (buf[i] == '-') {
            i++;
        }
        if (i >= end) {
            throw truncated();
        }
        if (buf[i] == '0') {
            i++;
        } else if (buf[i] >= '1' && buf[i] <= '9') {
            i = digits(i);
        } else {
            throw invalid(i, "invalid number");
        }
        if (i < end && buf[i] == '.') {
            i = requiredDigits(i + 1);
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            i = requiredDigits(i);
        }
        if (i - p > MAX_NUMBER_CHARS) {
            throw new RecordException(RecordException.Reason.LIMIT, "a number longer than " + MAX_NUMBER_CHARS
                    + " characters at byte " + (p - off));
        }
        return i;
    }

    /** One or more digits from {@code i} (a fraction or an exponent). */
    int requiredDigits(int i) throws RecordException {
        if (i >= end) {
            throw truncated();
        }
        if (buf[i] < '0' || buf[i] > '9') {
            throw invalid(i, "invalid number");
        }
        return digits(i);
    }

    int digits(int i) {
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            i++;
        }
        return i;
    }

    int literal(int p, String word) throws RecordException {
        int n = word.length();
        for (int k = 0; k < n; k++) {
            if (p + k >= end) {
                throw truncated();
            }
            if (buf[p + k] != word.charAt(k)) {
                throw unexpected(p);
            }
        }
        return p + n;
    }

    RecordException truncated() {
        return new RecordException(RecordException.Reason.TRUNCATED, "truncated JSON: input ends inside a value");
    }

    RecordException unexpected(int p) {
        return invalid(p, "unexpected character");
    }

    RecordException invalid(int p, String what) {
        return new RecordException(RecordException.Reason.INVALID_JSON, "invalid JSON at byte " + (p - off) + ": " + what);
    }

    /** The Java string of the JSON string at {@code [vs, ve)} (quotes included), escapes decoded. */
    String stringValue(int vs, int ve, boolean esc) {
        if (!esc) {
            return new String(buf, vs + 1, ve - vs - 2, StandardCharsets.UTF_8);
        }
        StringBuilder sb = text;
        sb.setLength(0);
        int i = vs + 1;
        int last = ve - 1;
        int run = i;
        while (i < last) {
            if (buf[i] != '\\') {
                i++;
                continue;
            }
            if (i > run) {
                sb.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
            }
            byte x = buf[i + 1];
            switch (x) {
                case 'u' -> {
                    sb.append((char) Integer.parseInt(new String(buf, i + 2, 4, StandardCharsets.US_ASCII), 16));
                    i += 6;
                }
                case 'b' -> { sb.append('\b'); i += 2; }
                case 'f' -> { sb.append('\f'); i += 2; }
                case 'n' -> { sb.append('\n'); i += 2; }
                case 'r' -> { sb.append('\r'); i += 2; }
                case 't' -> { sb.append('\t'); i += 2; }
                default -> { sb.append((char) x); i += 2; }
            }
            run = i;
        }
        if (last > run) {
            sb.append(new String(buf, run, last - run, StandardCharsets.UTF_8));
        }
        String s = sb.toString();
        sb.setLength(0);
        return s;
    }

}
