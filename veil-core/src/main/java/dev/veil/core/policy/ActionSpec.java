package dev.veil.core.policy;

import java.math.BigDecimal;

/** An action as the policy declares it, options validated and typed. Compiled into a runnable action by the engine. */
public sealed interface ActionSpec {
    /** The name used in policies: {@code redact}, {@code mask}, {@code drop-record}... */
    String name();

    Location location();

    /** The action as a policy would write it, e.g. {@code mask(keep_last=4)}; for explain and summaries. */
    default String describe() {
        StringBuilder o = new StringBuilder();
        if (this instanceof Redact r && r.with() != null) {
            o.append("with=").append(r.with());
        } else if (this instanceof Mask m) {
            if (m.keepFirst() > 0) {
                o.append("keep_first=").append(m.keepFirst()).append(", ");
            }
            if (m.keepLast() > 0) {
                o.append("keep_last=").append(m.keepLast()).append(", ");
            }
            if (m.maskChar() != '*') {
                o.append("char=").appendCodePoint(m.maskChar()).append(", ");
            }
            if (!m.keepSeparators()) {
                o.append("keep_separators=false, ");
            }
            if (m.keepDomain()) {
                o.append("keep_domain, ");
            }
        } else if (this instanceof Hash h) {
            o.append("key=").append(h.key()).append(", ").append(h.encoding().name().toLowerCase(java.util.Locale.ROOT))
                    .append(", length=").append(h.length());
        } else if (this instanceof Tokenize t) {
            o.append("key=").append(t.key()).append(", alphabet=").append(t.alphabet().policyName());
            if (t.keepLast() > 0) {
                o.append(", keep_last=").append(t.keepLast());
            }
            if (t.luhn()) {
                o.append(", luhn");
            }
        } else if (this instanceof Fake f) {
            o.append("locale=").append(f.locale()).append(f.deterministic() ? ", key=" + f.key() : ", random");
        } else if (this instanceof Encrypt e) {
            o.append("key=").append(e.key()).append(e.deterministic() ? ", deterministic" : ", randomized");
        } else if (this instanceof Generalize g) {
            if (g.to() != null) {
                o.append("to=").append(g.to().name().toLowerCase(java.util.Locale.ROOT));
            } else if (g.prefix() != null) {
                o.append("prefix=").append(g.prefix());
            } else if (g.bits() != null) {
                o.append("bits=").append(g.bits());
            } else {
                o.append("bucket=").append(g.bucket().toPlainString());
            }
        }
        String opts = o.toString();
        if (opts.endsWith(", ")) {
            opts = opts.substring(0, opts.length() - 2);
        }
        return opts.isEmpty() ? name() : name() + "(" + opts + ")";
    }

    /** Replace with a placeholder: {@code with}, written as given, or by default {@code [CLASS]} with the value's class. */
    record Redact(String with, Location location) implements ActionSpec {
        public String name() { return "redact"; }
    }

    /** Hide characters, keeping some. */
    record Mask(int keepFirst, int keepLast, int maskChar, boolean keepSeparators, boolean keepDomain,
                Location location) implements ActionSpec {
        public String name() { return "mask"; }
    }

    /** Keyed HMAC-SHA256; {@code length} is the number of output characters (8 up to the whole digest). */
    record Hash(String key, int length, Encoding encoding, Location location) implements ActionSpec {
        public String name() { return "hash"; }

        /** Text encodings of a digest. */
        public enum Encoding { HEX, BASE64URL }
    }

    /**
     * Format-preserving encryption (FF1): the characters of {@code alphabet} are encrypted in place, all others
     * (separators) kept; the last {@code keepLast} alphabet characters stay clear; with {@code luhn} a number that
     * passes the Luhn check still does.
     */
    record Tokenize(String key, Alphabet alphabet, int keepLast, boolean luhn, Location location) implements ActionSpec {
        public String name() { return "tokenize"; }

        /** The characters tokenize encrypts. */
        public enum Alphabet {
            DIGITS("0123456789"), ALPHANUMERIC("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

            private final String chars;

            Alphabet(String chars) {
                this.chars = chars;
            }

            public String chars() {
                return chars;
            }

            public String policyName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** A realistic substitute of the same class, deterministic per key unless {@code deterministic} is false. */
    record Fake(String key, String locale, boolean deterministic, Location location) implements ActionSpec {
        public String name() { return "fake"; }
    }

    /** Authenticated encryption to text: AES-SIV when {@code deterministic}, else AES-GCM. */
    record Encrypt(String key, boolean deterministic, Location location) implements ActionSpec {
        public String name() { return "encrypt"; }
    }

    /** A coarser value; exactly one of the options is set. */
    record Generalize(DateUnit to, Integer prefix, Integer bits, BigDecimal bucket, Location location)
            implements ActionSpec {
        public String name() { return "generalize"; }

        /** Date precision kept by {@code to}. */
        public enum DateUnit { YEAR, MONTH, DECADE }
    }

    record Nullify(Location location) implements ActionSpec {
        public String name() { return "nullify"; }
    }

    record Drop(Location location) implements ActionSpec {
        public String name() { return "drop"; }
    }

    record DropRecord(Location location) implements ActionSpec {
        public String name() { return "drop-record"; }
    }

    record Keep(Location location) implements ActionSpec {
        public String name() { return "keep"; }
    }
}
