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
