package dev.veil.core.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.ActionSpec;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.KeySpec;
import dev.veil.core.policy.Location;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fake: realistic, harmless, deterministic per key unless asked not to be. */
class FakeTest {
    private static final String K1 = keyset();
    private static final String K2 = keyset();

    private static String keyset() {
        try {
            return KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF);
        } catch (KeyException e) {
            throw new AssertionError(e);
        }
    }

    static Action fake(String keyset, DataClass c, String locale, boolean deterministic) throws KeyException {
        KeyRing ring = KeyRing.of(Map.of("default", new KeySpec("default", null, "K", new Location("t", 1, 1, "k"))),
                Map.of("K", keyset)::get);
        return Actions.compile(new ActionSpec.Fake(deterministic ? "default" : null, locale, deterministic, null), c, ring);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
        "EMAIL;ann.lee@corp.io;[a-z]+\\.[a-z]+\\d{1,2}@example\\.(com|net|org)",
        "PHONE;+44 20 7946 0958;\\+44 [1-9]\\d \\d{4} \\d{4}",
        "PHONE;(303) 555-0142;\\([1-9]\\d\\d\\) \\d{3}-\\d{4}",
        "US_SSN;123-45-6789;9\\d\\d-\\d\\d-\\d{4}",
        "CREDIT_CARD;4111 1111 1111 1111;4\\d{3} \\d{4} \\d{4} \\d{4}",
        "IP_ADDRESS;81.2.69.160;(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d{1,3}",
        "IP_ADDRESS;2a00:1450::200e;2001:db8::[0-9a-f]+:[0-9a-f]+",
        "MAC_ADDRESS;3C-22-FB-12-34-56;02(-[0-9A-F]{2}){5}",
        "DATE_OF_BIRTH;1984-07-23;(19[4-9]\\d|200[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-2])",
        "DATE_OF_BIRTH;23.07.1984;(0[1-9]|1[0-2])\\.(0[1-9]|1[0-2])\\.(19[4-9]\\d|200[0-5])",
        "IBAN;DE89 3704 0044 0532 0130 00;DE\\d\\d( \\d{4}){4} \\d\\d",
        "SECRET;ghp_16C7e42F292c6912E7710c838347Ae178B4a;[a-z]{3}_[0-9A-Za-z]{36}",
    })
    void fakesAreRealisticAndHarmless(String cls, String value, String shape) throws Exception {
        Action f = fake(K1, DataClass.BUILT_IN.stream().filter(c -> c.name().equals(cls)).findFirst().orElseThrow(), "en", true);
        String out = ReversibleActionsTest.apply(f, value);
        assertThat(out).matches(shape).isNotEqualTo(value);
        assertThat(ReversibleActionsTest.apply(f, value)).isEqualTo(out);
        if (cls.equals("CREDIT_CARD")) {
            assertThat(dev.veil.core.detect.Validators.luhn(out)).isTrue();
        }
        if (cls.equals("IBAN")) {
            String compact = out.replace(" ", "");
            String re = compact.substring(4) + (compact.charAt(0) - 'A' + 10) + (compact.charAt(1) - 'A' + 10) + compact.substring(2, 4);
            assertThat(new java.math.BigInteger(re).mod(java.math.BigInteger.valueOf(97)).intValue()).isEqualTo(1);
        }
    }

    @Property(tries = 200)
    void theSameNameAndKeyAlwaysGiveTheSameFake(@ForAll @AlphaChars @StringLength(min = 3, max = 30) String name)
            throws Exception {
        Action a = fake(K1, DataClass.PERSON_NAME, "en", true);
        assertThat(ReversibleActionsTest.apply(a, name + " X")).isEqualTo(ReversibleActionsTest.apply(a, name + " X"));
    }

    @Test
    void keysAndRandomModeChangeTheFakes() throws Exception {
        Set<String> k1 = new HashSet<>();
        Set<String> k2 = new HashSet<>();
        Set<String> random = new HashSet<>();
        Action a = fake(K1, DataClass.EMAIL, "en", true);
        Action b = fake(K2, DataClass.EMAIL, "en", true);
        Action r = fake(K1, DataClass.EMAIL, "en", false);
        for (int i = 0; i < 50; i++) {
            k1.add(ReversibleActionsTest.apply(a, "same@x.io"));
            k2.add(ReversibleActionsTest.apply(b, "same@x.io"));
            random.add(ReversibleActionsTest.apply(r, "same@x.io"));
        }
        assertThat(k1).hasSize(1);
        assertThat(k2).hasSize(1).doesNotContainAnyElementsOf(k1);
        assertThat(random.size()).isGreaterThan(40);
    }

    @Test
    void localesDrawTheirOwnNames() throws Exception {
        Set<String> de = new HashSet<>();
        Set<String> ja = new HashSet<>();
        Action fde = fake(K1, DataClass.PERSON_NAME, "de", true);
        Action fja = fake(K1, DataClass.PERSON_NAME, "ja", true);
        for (int i = 0; i < 40; i++) {
            de.add(ReversibleActionsTest.apply(fde, "Person " + i));
            ja.add(ReversibleActionsTest.apply(fja, "Person " + i));
        }
        assertThat(de).allSatisfy(n -> assertThat(n).contains(" "));
        assertThat(ja).allSatisfy(n -> assertThat(n).doesNotContain(" ").matches(".*[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}].*"));
        assertThat(ReversibleActionsTest.apply(fake(K1, DataClass.STREET_ADDRESS, "de", true), "Hauptstr. 5"))
                .matches(".+ \\d{1,3}");
        assertThat(ReversibleActionsTest.apply(fake(K1, DataClass.STREET_ADDRESS, "en", true), "12 Elm St"))
                .matches("\\d{1,3} .+");
    }
}
