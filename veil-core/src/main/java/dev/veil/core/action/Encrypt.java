package dev.veil.core.action;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.Sealer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Authenticated encryption of the value's UTF-8 bytes to compact URL-safe text: {@code veil.d.} + base64url for
 * AES-SIV (deterministic: equal values stay joinable), {@code veil.r.} for AES-GCM (randomized: nothing links two
 * records). Tink's ciphertext starts with the key id, so a rotated keyset still opens old values. The class name
 * is the associated data: a ciphertext moved to a field of another class does not open.
 */
final class Encrypt implements Action, Reversible {
    private final Sealer sealer;
    private final String prefix;
    private final byte[] context;

    Encrypt(Sealer sealer, boolean deterministic, String className) {
        this.sealer = sealer;
        this.prefix = deterministic ? "veil.d." : "veil.r.";
        this.context = ("veil-encrypt:" + className).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "encrypt";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        byte[] ct = sealer.seal(text.getBytes(StandardCharsets.UTF_8), context);
        out.string(prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(ct));
    }

    @Override
    public String reveal(String output) throws KeyException {
        if (!output.startsWith(prefix)) {
            throw new KeyException("not a value of this action: it does not start with " + prefix);
        }
        byte[] ct;
        try {
            ct = Base64.getUrlDecoder().decode(output.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new KeyException("not a value of this action: not base64url after " + prefix);
        }
        return new String(sealer.open(ct, context), StandardCharsets.UTF_8);
    }
}
