package dev.veil.core.keys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * FF1's ten Feistel rounds (NIST SP 800-38G, algorithms 7 and 8) for values whose halves fit in a {@code long},
 * which covers every card, phone, SSN and id Veil tokenizes. It exists for speed only: Bouncy Castle's engine
 * computes each round with {@code BigInteger} and re-runs the whole CBC-MAC of {@code P || Q}, although for one
 * length everything in that MAC but the round number and {@code NUM(B)} is the same in every round. Here the MAC
 * state after the constant blocks is computed once per length, so a round is one AES block, and the numerals stay
 * {@code long}s between rounds instead of being re-encoded as strings.
 *
 * <p>Correctness is pinned twice: the NIST sample vectors go through this path, and a property test requires it to
 * equal Bouncy Castle's engine (the reference, still used for longer values) for random keys, tweaks, radixes and
 * lengths in both directions. AES itself is the JDK's ({@code AES/ECB/NoPadding}, one block per call).
 *
 * <p>Not thread-safe: one instance per thread, like {@link Ff1.Cipher}.
 */
final class Ff1Long {
    /** Largest {@code radix^v} handled: keeps {@code y * 256 + 255} inside a {@code long} when reducing S. */
    private static final long LIMIT = 1L << 55;
    private static final int ROUNDS = 10;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Cipher aes;
    private final boolean encrypt;
    private final int radix;
    private final byte[] tweak;
    private final int maxLength;
    /** {@code pow[k] = radix^k} for every half length handled. */
    private final long[] pow;
    /** Per value length: the CBC-MAC state after P and Q's constant blocks, XOR the constant head of Q's last block. */
    private final byte[][] lastBlock;
    /** {@code inverse(pow[k])}, for reducing S modulo {@code radix^m}. */
    private final long[] inv;
    private final byte[] block = new byte[16];
    private final byte[] r = new byte[16];

    Ff1Long(byte[] key, boolean encrypt, int radix, byte[] tweak) {
        if (radix < 2 || radix > 256) {
            throw new IllegalArgumentException("radix " + radix + " is outside 2..256");
        }
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES")); // FF1 only ever runs AES forwards
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES is not available: " + e.getClass().getSimpleName(), e);
        }
        this.encrypt = encrypt;
        this.radix = radix;
        this.tweak = tweak.clone();
        this.maxLength = maxLength(radix);
        this.pow = new long[(maxLength + 1) / 2 + 1];
        pow[0] = 1;
        for (int k = 1; k < pow.length; k++) {
            pow[k] = pow[k - 1] * radix;
        }
        this.inv = new long[pow.length];
        for (int k = 0; k < pow.length; k++) {
            inv[k] = inverse(pow[k]);
        }
        this.lastBlock = new byte[maxLength + 1][];
    }

    /** The longest value (in symbols) this path handles for {@code radix}: both halves below {@link #LIMIT}. */
    static int maxLength(int radix) {
        long p = 1;
        int v = 0;
        while (p <= LIMIT / radix) {
            p *= radix;
            v++;
        }
        return 2 * v; // n = 2v splits into u = v = v; n = 2v + 1 would need v + 1 symbols in B
    }

    /** Whether {@code n} symbols take this path. */
    boolean handles(int n) {
        return n >= 2 && n <= maxLength;
    }

    /** FF1 of {@code x} (symbols {@code 0..radix-1}, {@link #handles} its length) into {@code out}. */
    void apply(byte[] x, byte[] out) {
        int n = x.length;
        int u = n / 2;
        int v = n - u;
        int b = numBytes(v);
        int d = 4 * ((b + 3) / 4) + 4;
        byte[] head = lastBlock[n];
        if (head == null) {
            head = lastBlock[n] = constantPart(n, u, v, b);
        }
        long a = num(x, 0, u);
        long bb = num(x, u, n);
        long invU = inv[u];
        long invV = inv[v];
        if (encrypt) {
            for (int i = 0; i < ROUNDS; i++) {
                long m = pow[(i & 1) == 0 ? u : v];
                long y = prf(head, i, bb, b, d, m, (i & 1) == 0 ? invU : invV);
                long c = a + y;
                if (c >= m) {
                    c -= m;
                }
                a = bb;
                bb = c;
            }
        } else {
            for (int i = ROUNDS - 1; i >= 0; i--) {
                long m = pow[(i & 1) == 0 ? u : v];
                long y = prf(head, i, a, b, d, m, (i & 1) == 0 ? invU : invV);
                long c = bb - y;
                if (c < 0) {
                    c += m;
                }
                bb = a;
                a = c;
            }
        }
        str(a, out, 0, u);
        str(bb, out, u, n);
    }

    /** {@code NUM(S) mod m}, where S is the first {@code d} bytes of {@code PRF(P || Q)} for round {@code i}. */
    private long prf(byte[] head, int i, long numeral, int b, int d, long m, long inv) {
        // Q's last block ends with the round byte and NUM(B) in b bytes: both fall in its low eight bytes (b <= 7)
        LONGS.set(block, 0, (long) LONGS.get(head, 0));
        LONGS.set(block, 8, (long) LONGS.get(head, 8) ^ ((long) i << (8 * b)) ^ numeral);
        aes(block, r);
        // S is R's first d bytes (d <= 12 here, so one block suffices); reduce it modulo m as it is read
        long y = reduce((long) LONGS.get(r, 0), m, inv);
        for (int k = 8; k < d; k++) {
            y = reduce(y << 8 | (r[k] & 0xff), m, inv); // y < m <= 2^55: eight more bits still fit
        }
        return y;
    }

    /**
     * {@code x mod m} for unsigned {@code x}, by Barrett reduction with {@code inv = floor((2^64 - 1) / m)}: the
     * estimated quotient is at most two short, so at most two subtractions follow. A 64-bit division per round
     * cost about as much as the round's AES block.
     */
    static long reduce(long x, long m, long inv) {
        long q = Math.multiplyHigh(x, inv) + ((x >> 63) & inv) + ((inv >> 63) & x); // unsigned high half
        long r = x - q * m;
        while (Long.compareUnsigned(r, m) >= 0) {
            r -= m;
        }
        return r;
    }

    /** {@code floor((2^64 - 1) / m)} for {@link #reduce}. */
    static long inverse(long m) {
        return Long.divideUnsigned(-1L, m);
    }

    /**
     * The CBC-MAC state after P and Q's blocks that do not change between rounds, XOR the constant head of Q's last
     * block (its tweak tail and zero padding): XOR the round number and {@code NUM(B)} into it and one AES block
     * gives R.
     */
    private byte[] constantPart(int n, int u, int v, int b) {
        int t = tweak.length;
        byte[] p = {1, 2, 1, (byte) (radix >>> 16), (byte) (radix >>> 8), (byte) radix, 10, (byte) u,
            (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n,
            (byte) (t >>> 24), (byte) (t >>> 16), (byte) (t >>> 8), (byte) t};
        int pad = Math.floorMod(-t - b - 1, 16);
        int qLength = t + pad + 1 + b;
        byte[] q = new byte[qLength]; // T, zeros, then the round byte and NUM(B) left as zeros
        System.arraycopy(tweak, 0, q, 0, t);
        byte[] state = new byte[16];
        aes(p, state);
        for (int off = 0; off + 16 < qLength; off += 16) { // every block but the last is constant
            for (int k = 0; k < 16; k++) {
                block[k] = (byte) (state[k] ^ q[off + k]);
            }
            aes(block, state);
        }
        for (int k = 0; k < 16; k++) {
            state[k] ^= q[qLength - 16 + k];
        }
        return state;
    }

    /** Bytes of {@code NUM(B)} in Q: {@code ceil(ceil(v * log2(radix)) / 8)}, exact via the bit length of {@code radix^v - 1}. */
    private int numBytes(int v) {
        return (64 - Long.numberOfLeadingZeros(pow[v] - 1) + 7) / 8;
    }

    private long num(byte[] x, int from, int to) {
        long s = 0;
        for (int k = from; k < to; k++) {
            s = s * radix + (x[k] & 0xff);
        }
        return s;
    }

    private void str(long value, byte[] out, int from, int to) {
        for (int k = to - 1; k >= from; k--) {
            out[k] = (byte) (value % radix);
            value /= radix;
        }
    }

    private void aes(byte[] in, byte[] out) {
        try {
            aes.update(in, 0, 16, out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("a 16-byte buffer was refused", e);
        }
    }
}
