package dev.veil.core.action;

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
 * <p>With {@code luhn}, cycle-walking keeps the Luhn status: FF1 is a permutation of the digit strings, so
 * re-encrypting until the result has the input's Luhn status is a permutation of the Luhn-valid strings (and of
 * the invalid ones), reversible by walking back with decryption.
 */
final class Tokenize implements Action, Reversible {
    /** Longest run of alphabet characters tokenized; FF1's cost grows with the square of the length. */
    static final int MAX_SYMBOLS = 256;
    private static final int MAX_WALK = 10_000;

    private final Ff1 ff1;
    private final ActionSpec.Tokenize spec;
    private final int radix;
    private final byte[] symbolOf = new byte[128];
    private final char[] charOf;
    private final byte[] tweak;
    private final int minSymbols;
    private final String fallback;

    Tokenize(ActionSpec.Tokenize spec, Ff1 ff1, String className, String fallback) {
        this.spec = spec;
        this.ff1 = ff1;
        this.charOf = spec.alphabet().chars().toCharArray();
        this.radix = charOf.length;
        java.util.Arrays.fill(symbolOf, (byte) -1);
        for (int i = 0; i < charOf.length; i++) {
            symbolOf[charOf[i]] = (byte) i;
        }
        this.tweak = ("veil-tokenize:" + className).getBytes(StandardCharsets.UTF_8);
        this.minSymbols = Ff1.minLength(radix);
        this.fallback = fallback;
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
        boolean walk = spec.luhn();
        boolean wanted = walk && luhnValid(c);
        for (int round = 0; ; round++) {
            sym = encrypt ? ff1.encrypt(sym, radix, tweak) : ff1.decrypt(sym, radix, tweak);
            for (int k = 0; k < m; k++) {
                c[pos[k]] = charOf[sym[k]];
            }
            if (!walk || luhnValid(c) == wanted) {
                return new String(c);
            }
            if (round == MAX_WALK) {
                // Unreachable in practice (a cycle holds the input itself); bounded all the same.
                return null;
            }
        }
    }

    /** Whether {@code t} (a tokenized number) starts with a zero JSON does not allow, like {@code 042} or {@code -07}. */
    private static boolean leadingZero(String t) {
        int i = t.startsWith("-") ? 1 : 0;
        return t.length() > i + 1 && t.charAt(i) == '0' && Character.isDigit(t.charAt(i + 1));
    }

    /** The Luhn check over the digits of {@code c}, right to left. */
    static boolean luhnValid(char[] c) {
        int sum = 0;
        boolean dbl = false;
        int digits = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            int d = c[i] - '0';
            if (d < 0 || d > 9) {
                continue;
            }
            digits++;
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return digits > 1 && sum % 10 == 0;
    }
}
