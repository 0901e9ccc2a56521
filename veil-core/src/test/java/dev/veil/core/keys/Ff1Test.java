package dev.veil.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** FF1 against the NIST SP 800-38G sample vectors (FF1 samples 1–9: AES-128, -192, -256; radix 10 and 36). */
class Ff1Test {
    private static final String K128 = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String K192 = K128 + "EF4359D8D580AA4F";
    private static final String K256 = K192 + "7F036D6F04FC6A94";
    private static final String DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    private static byte[] symbols(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) DIGITS36.indexOf(s.charAt(i));
        }
        return b;
    }

    private static String text(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(DIGITS36.charAt(x));
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "sample {0}")
    @CsvSource({
        "1, " + K128 + ", 10, '', 0123456789, 2433477484",
        "2, " + K128 + ", 10, 39383736353433323130, 0123456789, 6124200773",
        "3, " + K128 + ", 36, 3737373770717273373737, 0123456789abcdefghi, a9tv40mll9kdu509eum",
        "4, " + K192 + ", 10, '', 0123456789, 2830668132",
        "5, " + K192 + ", 10, 39383736353433323130, 0123456789, 2496655549",
        "6, " + K192 + ", 36, 3737373770717273373737, 0123456789abcdefghi, xbj3kv35jrawxv32ysr",
        "7, " + K256 + ", 10, '', 0123456789, 6657667009",
        "8, " + K256 + ", 10, 39383736353433323130, 0123456789, 1001623463",
        "9, " + K256 + ", 36, 3737373770717273373737, 0123456789abcdefghi, xs8a0azh2avyalyzuwd",
    })
    void nistSamples(int sample, String key, int radix, String tweak, String plain, String cipher) {
        Ff1 f = new Ff1(HexFormat.of().parseHex(key), 1);
        byte[] t = HexFormat.of().parseHex(tweak == null ? "" : tweak);
        assertThat(text(f.cipher(true, radix, t).apply(symbols(plain)))).isEqualTo(cipher);
        assertThat(text(f.cipher(false, radix, t).apply(symbols(cipher)))).isEqualTo(plain);
    }

    @Test
    void domainsBelowTheStandardsMinimumAreRefused() {
        assertThat(Ff1.minLength(10)).isEqualTo(6);
        assertThat(Ff1.minLength(62)).isEqualTo(4);
        assertThat(Ff1.minLength(36)).isEqualTo(4);
        Ff1 f = new Ff1(HexFormat.of().parseHex(K128), 1);
        assertThatThrownBy(() -> f.cipher(true, 10, new byte[0]).apply(symbols("12345")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum domain");
        assertThat(f.cipher(true, 10, new byte[0]).apply(symbols("123456"))).hasSize(6);
    }
}
