package dev.veil.core.action;

import dev.veil.core.detect.IpAddresses;
import dev.veil.core.policy.ActionSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A coarser value: a date cut to its year, month or decade; a text cut to a prefix (postal codes); an IP
 * address cut to a network prefix; a number floored to a bucket. A value that cannot be read as expected is
 * redacted instead — never passed through.
 */
final class Generalize implements Action {
    private final ActionSpec.Generalize spec;
    private final String fallback;

    Generalize(ActionSpec.Generalize spec, String fallback) {
        this.spec = spec;
        this.fallback = fallback;
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "generalize";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        String r;
        if (spec.to() != null) {
            r = date(text.trim(), number);
        } else if (spec.prefix() != null) {
            int n = spec.prefix();
            // a value no longer than the prefix would pass whole: redact it instead
            r = text.codePointCount(0, text.length()) <= n ? null : text.substring(0, text.offsetByCodePoints(0, n));
        } else if (spec.bits() != null) {
            r = ip(text.trim(), spec.bits());
        } else {
            r = bucket(text.trim(), spec.bucket());
            if (r != null && number) {
                out.number(r);
                return;
            }
        }
        out.string(r != null ? r : fallback);
    }

    private String date(String s, boolean number) {
        if (number && s.indexOf('.') >= 0) {
            s = s.substring(0, s.indexOf('.'));
        }
        int year;
        int month;
        if (s.length() >= 9 && s.length() <= 13 && s.chars().allMatch(Character::isDigit)) {
            // epoch seconds (9-10 digits) or milliseconds (12-13)
            try {
                long v = Long.parseLong(s);
                Instant t = s.length() >= 12 ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
                ZonedDateTime z = t.atZone(ZoneOffset.UTC);
                year = z.getYear();
                month = z.getMonthValue();
            } catch (RuntimeException e) {
                return null;
            }
        } else if (s.length() >= 7 && digits(s, 0, 4) && !Character.isDigit(s.charAt(4)) && digits(s, 5, 2)) {
            year = Integer.parseInt(s, 0, 4, 10);                 // 1985-07-21, 1985/07/21
            month = Integer.parseInt(s, 5, 7, 10);
        } else if (s.length() >= 10 && digits(s, 0, 2) && digits(s, 3, 2) && digits(s, 6, 4)
                && s.charAt(2) == s.charAt(5) && !Character.isDigit(s.charAt(2))) {
            year = Integer.parseInt(s, 6, 10, 10);
            int a = Integer.parseInt(s, 0, 2, 10);
            int b = Integer.parseInt(s, 3, 5, 10);
            month = s.charAt(2) == '/' ? a : b;                   // 07/21/1985 (US) or 21.07.1985
        } else if (s.length() == 8 && digits(s, 0, 8)) {
            year = Integer.parseInt(s, 0, 4, 10);                 // 19850721
            month = Integer.parseInt(s, 4, 6, 10);
        } else if (s.length() == 4 && digits(s, 0, 4)) {
            year = Integer.parseInt(s);
            month = 0;
        } else {
            return null;
        }
        if (year < 1 || year > 9999) {
            return null;
        }
        return switch (spec.to()) {
            case YEAR -> String.format("%04d", year);
            case MONTH -> month >= 1 && month <= 12 ? String.format("%04d-%02d", year, month) : null;
            case DECADE -> String.format("%04ds", year - year % 10);
        };
    }

    private static boolean digits(String s, int from, int len) {
        if (from + len > s.length()) {
            return false;
        }
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String bucket(String s, BigDecimal size) {
        try {
            if (s.length() > 64) {
                return null;
            }
            BigDecimal v = new BigDecimal(s);
            if (Math.abs(v.scale()) > 40 || v.precision() - v.scale() > 40) {
                return null; // 1e999999 is a valid JSON number; flooring it would build a million digits
            }
            BigDecimal floored = v.divide(size, 0, RoundingMode.FLOOR).multiply(size);
            return floored.stripTrailingZeros().toPlainString();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Keeps the first {@code bits} of an IPv4 (at most 32) or IPv6 address and zeroes the rest. */
    static String ip(String s, int bits) {
        if (s.indexOf(':') < 0) {
            int[] o = IpAddresses.ipv4(s);
            if (o == null) {
                return null;
            }
            int b = Math.min(bits, 32);
            long v = ((long) o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
            long mask = b == 0 ? 0 : (0xffffffffL << (32 - b)) & 0xffffffffL;
            v &= mask;
            return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
        }
        int[] w = IpAddresses.ipv6(s);
        if (w == null) {
            return null;
        }
        for (int i = 0; i < 8; i++) {
            int keep = Math.max(0, Math.min(16, bits - i * 16));
            w[i] &= keep == 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
        }
        return formatIpv6(w);
    }

    private static String formatIpv6(int[] w) {
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }
}
