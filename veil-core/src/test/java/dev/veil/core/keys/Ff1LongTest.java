package dev.veil.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Ff1Long} computes FF1 itself, so it must equal Bouncy Castle's engine (the reference) bit for bit: for
 * random keys of every AES size, tweaks of every length class, radixes from 2 to 256 and every length the fast
 * path takes, in both directions.
 */
class Ff1LongTest {
    record Case(byte[] key, int radix, byte[] tweak, byte[] symbols) {
        @Override
        public String toString() {
            return "radix " + radix + ", tweak " + tweak.length + " bytes, " + symbols.length + " symbols";
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> keys = Arbitraries.of(16, 24, 32).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<Integer> radixes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(10, 36, 62, 16, 26)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(2, 256)));
        Arbitrary<byte[]> tweaks = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(keys, radixes, tweaks, seeds).as((k, radix, t, seed) -> {
            Random rnd = new Random(seed);
            int min = Ff1.minLength(radix);
            int max = Ff1Long.maxLength(radix);
            // lean on the ends of the range, where the byte counts of NUM(B) and S change
            int n = switch (rnd.nextInt(4)) {
                case 0 -> min;
                case 1 -> max;
                default -> min + rnd.nextInt(max - min + 1);
            };
            byte[] x = new byte[n];
            for (int i = 0; i < n; i++) {
                x[i] = (byte) rnd.nextInt(radix);
            }
            return new Case(k, radix, t, x);
        });
    }

    @Property(tries = 3000)
    void equalsBouncyCastlesEngine(@ForAll("cases") Case c) {
        Ff1 f = new Ff1(c.key(), 1);
        byte[] fast = f.cipher(true, c.radix(), c.tweak(), true).apply(c.symbols());
        byte[] reference = f.cipher(true, c.radix(), c.tweak(), false).apply(c.symbols());
        assertThat(fast).isEqualTo(reference);
        assertThat(f.cipher(false, c.radix(), c.tweak(), true).apply(fast)).isEqualTo(c.symbols());
        assertThat(f.cipher(false, c.radix(), c.tweak(), false).apply(fast)).isEqualTo(c.symbols());
    }

    @Property(tries = 20000)
    void barrettReductionEqualsTheRemainder(@ForAll long x,
            @ForAll @net.jqwik.api.constraints.LongRange(min = 2, max = 1L << 55) long m) {
        assertThat(Ff1Long.reduce(x, m, Ff1Long.inverse(m))).isEqualTo(Long.remainderUnsigned(x, m));
    }

    @Test
    void oneCipherGivesTheSameAnswerForEveryLengthInAnyOrder() {
        // the per-length MAC state is cached: interleaving lengths must not mix them up
        Ff1 f = new Ff1(HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C"), 1);
        Ff1.Cipher shared = f.cipher(true, 10, new byte[] {1, 2, 3}, true);
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] x = new byte[6 + rnd.nextInt(Ff1Long.maxLength(10) - 5)];
            for (int k = 0; k < x.length; k++) {
                x[k] = (byte) rnd.nextInt(10);
            }
            assertThat(shared.apply(x)).isEqualTo(f.cipher(true, 10, new byte[] {1, 2, 3}, false).apply(x));
        }
    }

    @Test
    void theFastPathCoversTheLengthsVeilTokenizes() {
        assertThat(Ff1Long.maxLength(10)).isEqualTo(32); // cards, phones, SSNs, account numbers
        assertThat(Ff1Long.maxLength(36)).isEqualTo(20); // NIST sample 3's 19 symbols included
        assertThat(Ff1Long.maxLength(62)).isEqualTo(18);
        assertThat(Ff1Long.maxLength(256)).isEqualTo(12);
        byte[] longer = new byte[40];
        Arrays.fill(longer, (byte) 9);
        Ff1 f = new Ff1(new byte[16], 1);
        // beyond the fast path the reference engine answers, and the round trip holds there too
        byte[] t = f.cipher(true, 10, new byte[0]).apply(longer);
        assertThat(f.cipher(false, 10, new byte[0]).apply(t)).isEqualTo(longer);
    }
}
