package dev.veil.core.action;

import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.ActionSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Keyed HMAC-SHA256 of the value's UTF-8 bytes: deterministic, so joins and counts survive, and keyed, so
 * nobody without the key can hash every possible phone number and reverse it.
 */
final class Hash implements Action {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final KeyedHash key;
    private final int length;
    private final boolean hex;

    Hash(ActionSpec.Hash spec, KeyedHash key) {
        this.key = key;
        this.length = spec.length();
        this.hex = spec.encoding() == ActionSpec.Hash.Encoding.HEX;
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "hash";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        out.string(digest(text));
    }

    String digest(String text) {
        byte[] d = key.hash(text.getBytes(StandardCharsets.UTF_8));
        if (hex) {
            char[] c = new char[length];
            for (int i = 0; i < length; i++) {
                int b = d[i >> 1] & 0xff;
                c[i] = HEX[(i & 1) == 0 ? b >>> 4 : b & 0xf];
            }
            return new String(c);
        }
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        return s.length() > length ? s.substring(0, length) : s;
    }
}
