package dev.veil.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The parser-free phone checks must give libphonenumber's own verdict wherever they give one: the law is
 * "fast path = parser, or no answer".
 */
class PhoneCheckTest {
    private static final PhoneCheck CHECK = new PhoneCheck(List.of("US"));
    private static final List<String> CODES = PhoneCheck.fastCodes().stream().map(String::valueOf).toList();
    private static final List<String> REGIONS = List.of("US", "GB", "DE", "FR", "IN", "JP", "BR", "IT", "CN", "NG", "RU", "MX", "AU");

    @Provide
    Arbitrary<String> international() {
        Arbitrary<String> cc = Arbitraries.of(CODES);
        Arbitrary<String> national = Combinators.combine(PREFIXES, Arbitraries.strings().numeric().ofMinLength(6)
                .ofMaxLength(12)).as(String::concat);
        Arbitrary<Boolean> trunk = Arbitraries.of(true, false);
        return Combinators.combine(cc, national, trunk).as((c, n, t) -> "+" + c + (t ? " (0)" : " ") + spaced(n));
    }

    /** Prefixes some parsers strip (trunk digits, the UK's 180020, Russia's 8), so the law meets them often. */
    private static final Arbitrary<String> PREFIXES = Arbitraries.of("", "", "", "0", "1", "8", "180020", "90");

    @Provide
    Arbitrary<String> national() {
        return Combinators.combine(PREFIXES, Arbitraries.strings().numeric().ofMinLength(7).ofMaxLength(12))
                .as(String::concat).map(PhoneCheckTest::spaced);
    }

    private static String spaced(String digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && i % 3 == 0) {
                sb.append(' ');
            }
            sb.append(digits.charAt(i));
        }
        return sb.toString();
    }

    @Property(tries = 50000)
    void internationalFastPathAgreesWithTheParser(@ForAll("international") String number) {
        double fast = CHECK.fastInternational(number);
        if (fast >= 0) {
            assertThat(fast).as(number).isEqualTo(CHECK.judge(number, "ZZ", true));
        }
    }

    @Property(tries = 3000)
    void nationalFastPathAgreesWithTheParser(@ForAll("national") String number, @ForAll("regions") String region) {
        double fast = CHECK.fastNational(number, region);
        if (fast >= 0) {
            assertThat(fast).as(number + " in " + region).isEqualTo(CHECK.judge(number, region, false));
        }
    }

    @Provide
    Arbitrary<String> regions() {
        return Arbitraries.of(REGIONS);
    }

    @org.junit.jupiter.api.Test
    void carrierCodeRegionsStayWithTheParser() {
        assertThat(PhoneCheck.plainPrefixes("BR")).isNull();
        assertThat(PhoneCheck.plainPrefixes("AU")).isNull();
        assertThat(PhoneCheck.plainPrefixes("GB")).containsExactly("0", "180020");
        assertThat(PhoneCheck.plainPrefixes("US")).containsExactly("1");
        assertThat(PhoneCheck.plainPrefixes("IT")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void commonInternationalNumbersTakeTheFastPath() {
        // the agreement law above holds trivially if the fast path never answers; these must be answered by it
        for (String n : List.of("+44 20 7946 0958", "+1 212 555 0123", "+49 30 901820", "+91 98765 43210")) {
            assertThat(CHECK.fastInternational(n)).as(n).isGreaterThan(0).isEqualTo(CHECK.judge(n, "ZZ", true));
        }
    }

    @Property(tries = 500)
    void validNanpNumbersTakeTheFastPath(@ForAll("nanp") String number) {
        assertThat(CHECK.fastNational(number, "US")).as(number).isGreaterThanOrEqualTo(0);
    }

    /**
     * The compiled validity rules give libphonenumber's verdict: for the number's own region and for "any region of
     * its code", on random national numbers of every assigned country code (geographic and non-geographic).
     */
    @Property(tries = 30000)
    void compiledValidityAgreesWithLibphonenumber(@ForAll("codeAndNumber") String number) {
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        int cc = Integer.parseInt(number.substring(0, number.indexOf(' ')));
        String digits = number.substring(number.indexOf(' ') + 1);
        com.google.i18n.phonenumbers.Phonenumber.PhoneNumber n = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber()
                .setCountryCode(cc).setNationalNumber(Long.parseLong(digits));
        for (String region : util.getRegionCodesForCountryCode(cc)) {
            assertThat(PhoneCheck.validForRegion(n, region)).as("+" + cc + " " + digits + " in " + region)
                    .isEqualTo(util.isValidNumberForRegion(n, region));
        }
        assertThat(PhoneCheck.validForRegion(n, "DE")).isEqualTo(util.isValidNumberForRegion(n, "DE"));
        if (util.getRegionCodesForCountryCode(cc).size() > 1) {
            assertThat(PhoneCheck.validInAnyRegion(n)).as("+" + cc + " " + digits).isEqualTo(util.isValidNumber(n));
        }
    }

    @org.junit.jupiter.api.Test
    void compiledValidityAcceptsRealNumbersOfManyCountries() {
        // the law above could hold with both sides false; these are valid and must be judged so
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        for (String region : List.of("US", "CA", "GB", "DE", "FR", "IN", "JP", "BR", "IT", "NG", "RU", "AU", "001")) {
            com.google.i18n.phonenumbers.Phonenumber.PhoneNumber n = region.equals("001")
                    ? util.getExampleNumberForNonGeoEntity(800) : util.getExampleNumber(region);
            assertThat(PhoneCheck.validForRegion(n, region)).as(region).isTrue();
            assertThat(PhoneCheck.validForRegion(n, region.equals("US") ? "GB" : "US")).as(region).isFalse();
        }
    }

    /**
     * "CC NATIONAL": a country code and a national number that is random (a quarter), libphonenumber's own example
     * of a number type (fixed line, mobile, toll free …) as it is (a quarter), or that example with its last one to
     * four digits replaced (half), so that many are valid and many fail on one rule only.
     */
    @Provide
    Arbitrary<String> codeAndNumber() {
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        List<Integer> codes = List.copyOf(util.getSupportedCallingCodes());
        List<com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType> types =
                List.of(com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.values());
        Arbitrary<String> tail = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> random = Arbitraries.strings().numeric().ofMinLength(4).ofMaxLength(13)
                .filter(d -> d.charAt(0) != '0');
        return Combinators.combine(Arbitraries.of(codes), Arbitraries.of(types), tail, random, Arbitraries.integers().between(0, 3))
                .as((cc, type, t, r, mode) -> {
                    String region = util.getRegionCodeForCountryCode(cc);
                    com.google.i18n.phonenumbers.Phonenumber.PhoneNumber ex = region.equals("001")
                            ? util.getExampleNumberForNonGeoEntity(cc) : util.getExampleNumberForType(region, type);
                    if (mode == 0 || ex == null) {
                        return cc + " " + r;
                    }
                    String nsn = Long.toString(ex.getNationalNumber());
                    String cut = nsn.substring(0, Math.max(1, nsn.length() - t.length()));
                    return cc + " " + (mode == 1 ? nsn : cut + t);
                });
    }

    @Provide
    Arbitrary<String> nanp() {
        return Arbitraries.strings().numeric().ofLength(7).map(s -> "(212) " + s.substring(0, 3) + "-" + s.substring(3));
    }
}
