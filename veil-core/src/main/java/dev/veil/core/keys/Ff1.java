package dev.veil.core.keys;

import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * FF1 format-preserving encryption (NIST SP 800-38G) over symbols {@code 0 .. radix-1}, one byte per symbol:
 * values whose halves fit a {@code long} run on {@link Ff1Long}, longer ones on Bouncy Castle's engine over the
 * JDK's AES ({@link JceAes}); a property test holds the two equal. This object is thread-safe; each {@link #cipher} it hands out is one
 * initialized direction for one thread.
 */
public final class Ff1 {
    /**
     * The smallest domain SP 800-38G Rev. 1 allows: {@code radix^length >= 1,000,000}. Smaller domains can be
     * enumerated (and FF1's security proof does not cover them), so Veil refuses to tokenize them.
     */
    public static final long MIN_DOMAIN = 1_000_000L;

    private final byte[] key;
    private final long keyId;

    Ff1(byte[] key, long keyId) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes");
        }
        this.key = key.clone();
        this.keyId = keyId;
    }

    /** The id of the keyset key this cipher was derived from. */
    public long keyId() {
        return keyId;
    }

    /** The fewest symbols of a {@code radix} alphabet FF1 may encrypt ({@link #MIN_DOMAIN}). */
    public static int minLength(int radix) {
        int n = 1;
        long domain = radix;
        while (domain < MIN_DOMAIN) {
            domain *= radix;
            n++;
        }
        return n;
    }

    /**
     * A reusable FF1 direction for one radix and tweak, initialized once (saves the key schedule per value). Not
     * thread-safe: keep one per thread.
     */
    public Cipher cipher(boolean encrypt, int radix, byte[] tweak) {
        return cipher(encrypt, radix, tweak, true);
    }

    /** As {@link #cipher(boolean, int, byte[])}; {@code fast = false} runs every length on Bouncy Castle's engine. */
    Cipher cipher(boolean encrypt, int radix, byte[] tweak, boolean fast) {
        FPEFF1Engine e = new FPEFF1Engine(new JceAes());
        e.init(encrypt, new FPEParameters(new KeyParameter(key), radix, tweak));
        return new Cipher(e, fast ? new Ff1Long(key, encrypt, radix, tweak) : null, radix);
    }

    /** One initialized FF1 direction; see {@link #cipher}. */
    public static final class Cipher {
        private final FPEFF1Engine engine;
        private final Ff1Long fast;
        private final int minLength;

        private Cipher(FPEFF1Engine engine, Ff1Long fast, int radix) {
            this.engine = engine;
            this.fast = fast;
            this.minLength = minLength(radix);
        }

        /** Encrypts (or decrypts) {@code symbols} into a new array of the same length. */
        public byte[] apply(byte[] symbols) {
            if (symbols.length < minLength) {
                throw new IllegalArgumentException(symbols.length + " symbols are below FF1's minimum domain of "
                        + MIN_DOMAIN);
            }
            byte[] out = new byte[symbols.length];
            if (fast != null && fast.handles(symbols.length)) {
                fast.apply(symbols, out);
            } else {
                engine.processBlock(symbols, 0, symbols.length, out, 0);
            }
            return out;
        }
    }
}
