package dev.veil.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.ActionSpec;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.KeySpec;
import dev.veil.core.policy.Location;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** tokenize (FF1) and encrypt (AES-SIV, AES-GCM): the laws of reversible masking. */
class ReversibleActionsTest {
    private static final String PRF_1 = newKeyset(KeyRing.KeyType.HMAC_PRF);
    private static final String PRF_2 = newKeyset(KeyRing.KeyType.HMAC_PRF);
    private static final String SIV = newKeyset(KeyRing.KeyType.AES_SIV);
    private static final String GCM = newKeyset(KeyRing.KeyType.AEAD);

    private static String newKeyset(KeyRing.KeyType t) {
        try {
            return KeyRing.newKeysetJson(t);
        } catch (KeyException e) {
            throw new AssertionError(e);
        }
    }

    private static KeyRing ring(String keysetJson) {
        return KeyRing.of(Map.of("default", new KeySpec("default", null, "K", new Location("t", 1, 1, "keys.default"))),
                Map.of("K", keysetJson)::get);
    }

    static Action tokenize(String keyset, ActionSpec.Tokenize.Alphabet a, int keepLast, boolean luhn, DataClass c)
            throws KeyException {
        return Actions.compile(new ActionSpec.Tokenize("default", a, keepLast, luhn, null), c, ring(keyset));
    }

    static Action encrypt(String keyset, boolean deterministic, DataClass c) throws KeyException {
        return Actions.compile(new ActionSpec.Encrypt("default", deterministic, null), c, ring(keyset));
    }

    /** The action's output for a string value. */
    static String apply(Action a, String value) {
        StringBuilder sb = new StringBuilder();
        a.replace(value, false, new ValueOut() {
            @Override
            public void string(CharSequence s) {
                sb.append(s);
            }

            @Override
            public void number(CharSequence s) {
                sb.append(s);
            }

            @Override
            public void nul() {
                throw new AssertionError("no null expected");
            }
        });
        return sb.toString();
    }

    /** Digits with separators sprinkled in: card-, phone- and id-shaped values. */
    @Provide
    Arbitrary<String> digitValues() {
        Arbitrary<Character> ch = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.chars().range('0', '9')),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(' ', '-', '.', '/', '+', '(', ')')));
        return ch.list().ofMinSize(6).ofMaxSize(40).map(l -> {
            StringBuilder sb = new StringBuilder();
            l.forEach(sb::append);
            return sb.toString();
        });
    }

    private static long digits(String s) {
        return s.chars().filter(Character::isDigit).count();
    }

    @Property(tries = 300)
    void tokenizeRoundTripsKeepsShapeAndIsDeterministic(@ForAll("digitValues") String v) throws Exception {
        Assume.that(digits(v) >= 10);
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 4, false, DataClass.CREDIT_CARD);
        String out = apply(t, v);
        assertThat(out).hasSameSizeAs(v);
        for (int i = 0; i < v.length(); i++) {
            assertThat(Character.isDigit(out.charAt(i))).isEqualTo(Character.isDigit(v.charAt(i)));
            if (!Character.isDigit(v.charAt(i))) {
                assertThat(out.charAt(i)).isEqualTo(v.charAt(i));
            }
        }
        String lastFour = v.replaceAll("\\D", "");
        lastFour = lastFour.substring(lastFour.length() - 4);
        String outDigits = out.replaceAll("\\D", "");
        assertThat(outDigits).endsWith(lastFour);
        assertThat(apply(t, v)).isEqualTo(out);
        assertThat(((Reversible) t).reveal(out)).isEqualTo(v);
    }

    @Property(tries = 300)
    void luhnStatusIsKept(@ForAll("digitValues") String v) throws Exception {
        Assume.that(digits(v) >= 11); // 4 kept, and luhn needs one digit beyond FF1's 6
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 4, true, DataClass.CREDIT_CARD);
        String out = apply(t, v);
        assertThat(dev.veil.core.detect.Validators.luhn(out)).isEqualTo(dev.veil.core.detect.Validators.luhn(v));
        assertThat(((Reversible) t).reveal(out)).isEqualTo(v);
    }

    @Test
    void aTestCardStaysAValidCardWithItsLastFour() throws Exception {
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 4, true, DataClass.CREDIT_CARD);
        String out = apply(t, "4111 1111 1111 1111");
        assertThat(out).matches("\\d{4} \\d{4} \\d{4} 1111").isNotEqualTo("4111 1111 1111 1111");
        assertThat(dev.veil.core.detect.Validators.luhn(out)).isTrue();
    }

    @Property(tries = 200)
    void alphanumericTokensKeepSeparatorsAndRoundTrip(@ForAll("emails") String email) throws Exception {
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.ALPHANUMERIC, 0, false, DataClass.EMAIL);
        String out = apply(t, email);
        assertThat(out.replaceAll("[0-9A-Za-z]", "x")).isEqualTo(email.replaceAll("[0-9A-Za-z]", "x"));
        assertThat(((Reversible) t).reveal(out)).isEqualTo(email);
    }

    @Provide
    Arbitrary<String> emails() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(2).ofMaxLength(12);
        return Combinators.combine(part, part, Arbitraries.of("com", "org", "io")).as((a, b, c) -> a + "@" + b + "." + c);
    }

    @Property(tries = 100)
    void keysAndClassesSeparateTokens(@ForAll("digitValues") String v) throws Exception {
        Assume.that(digits(v) >= 12);
        String a = apply(tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.CREDIT_CARD), v);
        String b = apply(tokenize(PRF_2, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.CREDIT_CARD), v);
        String c = apply(tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.PHONE), v);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        // The wrong key reveals something else, never the value.
        assertThat(((Reversible) tokenize(PRF_2, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.CREDIT_CARD))
                .reveal(a)).isNotEqualTo(v);
    }

    @Test
    void luhnNeedsOneDigitMoreThanFf1sMinimum() throws Exception {
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 4, true, DataClass.CREDIT_CARD);
        assertThat(apply(t, "1234 5678 90")).isEqualTo("[CREDIT_CARD]"); // 10 digits, 4 kept: 6 left, luhn needs 7
        assertThat(apply(t, "1234 5678 901")).matches("\\d{4} \\d{3}8 901");
    }

    @Test
    void tooSmallOrHugeDomainsAreRedactedNotWeaklyTokenized() throws Exception {
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 4, false, DataClass.US_SSN);
        assertThat(apply(t, "123-4567")).isEqualTo("[US_SSN]"); // 7 digits, 4 kept: 3 left, below 6
        assertThat(apply(t, "123-45-6789")).isEqualTo("[US_SSN]"); // 9 digits, 4 kept: 5 left, still below 6
        Action t3 = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 3, false, DataClass.US_SSN);
        assertThat(apply(t3, "123-45-6789")).matches("\\d{3}-\\d{2}-\\d789").isNotEqualTo("123-45-6789");
        Action t0 = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.US_SSN);
        assertThat(apply(t0, "12345")).isEqualTo("[US_SSN]");
        assertThat(apply(t0, "7".repeat(1_000_000))).isEqualTo("[US_SSN]");
        assertThatThrownBy(() -> ((Reversible) t0).reveal("12")).isInstanceOf(KeyException.class)
                .hasMessageNotContaining("12");
    }

    @Test
    void numbersStayNumbersUnlessALeadingZeroAppears() throws Exception {
        Action t = tokenize(PRF_1, ActionSpec.Tokenize.Alphabet.DIGITS, 0, false, DataClass.PHONE);
        for (int i = 0; i < 200; i++) {
            String v = String.valueOf(1_000_000L + i * 7919L);
            StringBuilder kind = new StringBuilder();
            t.replace(v, true, new ValueOut() {
                @Override
                public void string(CharSequence s) {
                    kind.append("s").append(s);
                }

                @Override
                public void number(CharSequence s) {
                    kind.append("n").append(s);
                }

                @Override
                public void nul() {
                }
            });
            assertThat(kind.toString()).matches("n[1-9]\\d{6}|s0\\d{6}");
        }
    }

    @Property(tries = 200)
    void encryptRoundTrips(@ForAll String v, @ForAll boolean deterministic) throws Exception {
        Action e = encrypt(deterministic ? SIV : GCM, deterministic, DataClass.EMAIL);
        String out = apply(e, v);
        assertThat(out).startsWith(deterministic ? "veil.d." : "veil.r.").matches("veil\\.[dr]\\.[A-Za-z0-9_-]+");
        assertThat(((Reversible) e).reveal(out)).isEqualTo(v);
        if (deterministic) {
            assertThat(apply(e, v)).isEqualTo(out);
        } else {
            assertThat(apply(e, v)).isNotEqualTo(out);
        }
    }

    @Test
    void wrongKeyTamperingAndAnotherClassAreClearErrors() throws Exception {
        Action e = encrypt(SIV, true, DataClass.EMAIL);
        String out = apply(e, "ann@example.com");
        Action other = encrypt(newKeyset(KeyRing.KeyType.AES_SIV), true, DataClass.EMAIL);
        assertThatThrownBy(() -> ((Reversible) other).reveal(out)).isInstanceOf(KeyException.class)
                .hasMessageContaining("wrong key or tampered");
        char last = out.charAt(out.length() - 1);
        String tampered = out.substring(0, out.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThatThrownBy(() -> ((Reversible) e).reveal(tampered)).isInstanceOf(KeyException.class);
        Action phone = encrypt(SIV, true, DataClass.PHONE);
        assertThatThrownBy(() -> ((Reversible) phone).reveal(out)).isInstanceOf(KeyException.class);
        assertThatThrownBy(() -> ((Reversible) e).reveal("ann@example.com")).isInstanceOf(KeyException.class)
                .hasMessageNotContaining("ann");
        assertThatThrownBy(() -> encrypt(PRF_1, true, DataClass.EMAIL)).isInstanceOf(KeyException.class)
                .hasMessageContaining("aes-siv");
    }
}
