package dev.veil.core.action;

import dev.veil.core.detect.Validators;
import dev.veil.core.keys.Ff1;
import dev.veil.core.keys.KeyException;
import dev.veil.core.policy.ActionSpec;
import java.nio.charset.StandardCharsets;

/**
 * Format-preserving encryption with FF1: the value's alphabet characters are encrypted in place and every other
 * character (spaces, dashes, dots, {@code @}) stays where it was, so a card stays a card-shaped string and an id
 * keeps its length. Deterministic per key and class (the class name is the FF1 tweak), so joins survive.
 *
 * <p>A value with too few alphabet characters for FF1's minimum domain, or more than {@link #MAX_SYMBOLS}, is
 * redacted instead: Veil emits no weak tokens and spends no quadratic time on hostile values.
 *
 * <p>With {@code luhn}, the Luhn sum modulo 10 of the whole value is kept, so a valid card number stays valid and
 * an invalid one stays invalid: FF1 encrypts all tokenized digits but the last, and the last is then the one
 * digit that restores the input's residue. Decryption reverses FF1 and solves for the last digit the same way.
 * The last digit carries no information beyond the residue, which is kept anyway; FF1's domain is one digit
 * shorter, so {@code luhn} needs one tokenized digit more than the minimum.
 */
final class Tokenize implements Action, Reversible {
    /** Longest run of alphabet characters tokenized; FF1's cost grows with the square of the length. */
    static final int MAX_SYMBOLS = 256;

    private final ActionSpec.Tokenize spec;
    private final int radix;
    private final byte[] symbolOf = new byte[128];
    private final char[] charOf;
    private final byte[] tweak;
    private final int minSymbols;
    private final String fallback;
    private final ThreadLocal<Ff1.Cipher> encryptor;
    private final ThreadLocal<Ff1.Cipher> decryptor;

    Tokenize(ActionSpec.Tokenize spec, Ff1 ff1, String className, String fallback) {
        this.spec = spec;
        this.charOf = spec.alphabet().chars().toCharArray();
        this.radix = charOf.length;
        java.util.Arrays.fill(symbolOf, (byte) -1);
        for (int i = 0; i < charOf.length; i++) {
            symbolOf[charOf[i]] = (byte) i;
        }
        this.tweak = ("veil-tokenize:" + className).getBytes(StandardCharsets.UTF_8);
        this.minSymbols = Ff1.minLength(radix) + (spec.luhn() ? 1 : 0);
        this.fallback = fallback;
        this.encryptor = ThreadLocal.withInitial(() -> ff1.cipher(true, radix, tweak));
        this.decryptor = ThreadLocal.withInitial(() -> ff1.cipher(false, radix, tweak));
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        String t = transform(text, true);
        if (t == null) {
            out.string(fallback);
        } else if (number && !leadingZero(t)) {
            out.number(t); // a number stays a number when it can
        } else {
            out.string(t);
        }
    }

    @Override
    public String reveal(String output) throws KeyException {
        String t = transform(output, false);
        if (t == null) {
            throw new KeyException("not a token of this action: too few or too many " + spec.alphabet().policyName()
                    + " characters");
        }
        return t;
    }

    /** Encrypts or decrypts the tokenizable characters of {@code text} in place; null when the domain is refused. */
    private String transform(String text, boolean encrypt) {
        char[] c = text.toCharArray();
        int n = 0;
        for (char ch : c) {
            if (ch < 128 && symbolOf[ch] >= 0) {
                n++;
            }
        }
        int m = n - Math.min(spec.keepLast(), n);
        if (m < minSymbols || m > MAX_SYMBOLS) {
            return null;
        }
        int[] pos = new int[m];
        byte[] sym = new byte[m];
        for (int i = 0, k = 0; i < c.length && k < m; i++) {
            if (c[i] < 128 && symbolOf[c[i]] >= 0) {
                pos[k] = i;
                sym[k++] = symbolOf[c[i]];
            }
        }
        if (!spec.luhn()) {
            sym = (encrypt ? encryptor : decryptor).get().apply(sym);
            for (int k = 0; k < m; k++) {
                c[pos[k]] = charOf[sym[k]];
            }
            return new String(c);
        }
        java.nio.CharBuffer view = java.nio.CharBuffer.wrap(c);
        int residue = Validators.luhnSum(view) % 10;
        byte[] head = (encrypt ? encryptor : decryptor).get().apply(java.util.Arrays.copyOf(sym, m - 1));
        for (int k = 0; k < m - 1; k++) {
            c[pos[k]] = charOf[head[k]];
        }
        // The last tokenized digit is doubled when an odd number of digits follows it; with it at 0, the digit
        // that restores the residue is the one whose Luhn contribution closes the gap (each digit gives another).
        int last = pos[m - 1];
        boolean doubled = (n - m) % 2 == 1;
        c[last] = '0';
        int gap = Math.floorMod(residue - Validators.luhnSum(view), 10);
        for (int d = 0; d <= 9; d++) {
            int contribution = doubled ? (2 * d > 9 ? 2 * d - 9 : 2 * d) : d;
            if (contribution % 10 == gap) {
                c[last] = (char) ('0' + d);
                return new String(c);
            }
        }
        throw new IllegalStateException("no digit restores the Luhn residue"); // the contributions are a permutation
    }

    /** Whether {@code t} (a tokenized number) starts with a zero JSON does not allow, like {@code 042} or {@code -07}. */
    private static boolean leadingZero(String t) {
        int i = t.startsWith("-") ? 1 : 0;
        return t.length() > i + 1 && t.charAt(i) == '0' && Character.isDigit(t.charAt(i + 1));
    }
}
