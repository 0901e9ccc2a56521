package dev.veil.core.detect;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;

/**
 * Phone number validity by libphonenumber, applied to short candidates found by Veil's own linear scanner
 * (never to whole texts: libphonenumber's matcher runs backtracking regular expressions). A number with a
 * country code is judged for that country; one without, for each of the policy's regions.
 */
final class PhoneCheck {
    private static final int MAX_CANDIDATE = 32;
    /**
     * Country codes whose parsing rules are plain (a one-digit trunk prefix at most, no carrier codes), so the
     * parser-free path gives the parser's verdict; {@code PhoneCheckTest} checks that law for every one of them.
     */
    static final java.util.Set<Integer> FAST_CODES = java.util.Set.of(1, 44, 49, 33, 91, 81, 39, 86, 234, 971, 61,
            353, 380, 34, 31, 32, 41, 43, 46, 47, 45, 48, 351, 82, 65, 852, 27, 63, 62, 90, 7, 55, 30, 36, 40, 64, 66, 84,
            20, 212, 254, 966, 972, 92, 880, 60, 420, 358);
    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final List<String> regions;

    PhoneCheck(List<String> regions) {
        this.regions = List.copyOf(regions);
    }

    /**
     * 0.85 for a valid number; for a number with a country code that is only of a possible length, 0.6 (the
     * plus sign is evidence enough); otherwise 0.
     */
    double score(String candidate, boolean international) {
        if (candidate.length() > MAX_CANDIDATE) {
            return 0;
        }
        if (international) {
            double f = fastInternational(candidate);
            return f >= 0 ? f : judge(candidate, "ZZ", true);
        }
        for (String r : regions) {
            double f = fastNational(candidate, r);
            if ((f >= 0 ? f : judge(candidate, r, false)) > 0) {
                return 0.85;
            }
        }
        return 0;
    }

    /**
     * The same verdict as {@link #judge} for a number with a country code, without libphonenumber's parser (a
     * chain of regular expressions that cost more than the validity check itself): the country code is split off
     * by the ITU prefix-free table. Returns -1 where the parser's extra rules could matter (a "(0)" trunk digit, a
     * national number with a leading zero), so the caller asks the parser.
     */
    double fastInternational(String candidate) {
        StringBuilder d = digits(candidate, -1);
        for (int len = 1; len <= 3 && len < d.length(); len++) {
            int cc = Integer.parseInt(d, 0, len, 10);
            String main = util.getRegionCodeForCountryCode(cc);
            if (main.equals("ZZ")) {
                continue;
            }
            if (!FAST_CODES.contains(cc)) {
                return -1;
            }
            String ndd = util.getNddPrefixForRegion(main, true);
            if (ndd != null && !ndd.isEmpty() && d.indexOf(ndd, len) == len) {
                return -1; // the parser strips a national prefix written after the country code (+7 8…)
            }
            if (candidate.indexOf("(0)") >= 0) {
                return -1; // whether the parser drops a "(0)" trunk digit depends on the country's patterns
            }
            if (d.charAt(len) == '0' || d.length() - len > 17) {
                return -1;
            }
            Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(cc)
                    .setNationalNumber(Long.parseLong(d, len, d.length(), 10));
            return valid(n, null) ? 0.85 : util.isPossibleNumber(n) ? 0.6 : 0;
        }
        return 0;
    }

    /**
     * The same verdict as {@link #judge} for a national number in {@code region}, without the parser, where the
     * region's trunk prefix is one plain digit (0 or 1) and the number has no international prefix; -1 elsewhere.
     */
    double fastNational(String candidate, String region) {
        String ndd = util.getNddPrefixForRegion(region, true);
        int cc = util.getCountryCodeForRegion(region);
        if (cc == 0 || ndd == null || ndd.length() != 1) {
            return -1;
        }
        StringBuilder d = digits(candidate, -1);
        String code = Integer.toString(cc);
        if (d.length() >= code.length() && d.substring(0, code.length()).equals(code)) {
            return -1; // the parser may read the region's own country code at the front
        }
        int from = d.length() > 0 && d.charAt(0) == ndd.charAt(0) ? 1 : 0;
        if (d.length() - from < 2 || d.length() - from > 17 || d.charAt(from) == '0' || candidate.indexOf('+') >= 0) {
            return -1;
        }
        Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(cc)
                .setNationalNumber(Long.parseLong(d, from, d.length(), 10));
        return valid(n, region) ? 0.85 : 0;
    }

    private static StringBuilder digits(String candidate, int trunk) {
        StringBuilder d = new StringBuilder(candidate.length());
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c >= '0' && c <= '9' && (trunk < 0 || i != trunk + 1)) {
                d.append(c);
            }
        }
        return d;
    }

    /** Validity for {@code region}, or, with null, for the country code's main region first, then any of its. */
    private boolean valid(Phonenumber.PhoneNumber n, String region) {
        if (region != null) {
            return util.isValidNumberForRegion(n, region);
        }
        String main = util.getRegionCodeForCountryCode(n.getCountryCode());
        return util.isValidNumberForRegion(n, main)
                || (util.getRegionCodesForCountryCode(n.getCountryCode()).size() > 1 && util.isValidNumber(n));
    }

    /** The parser's verdict: 0.85 valid, 0.6 possible (when {@code acceptPossible}), else 0. */
    double judge(String candidate, String region, boolean acceptPossible) {
        try {
            Phonenumber.PhoneNumber n = util.parse(candidate, region);
            // isValidNumber first works out the region by trying every region of the country code (some 25 for
            // +1); checking the one region we mean is far cheaper
            boolean valid;
            if (!"ZZ".equals(region) && util.getCountryCodeForRegion(region) == n.getCountryCode()) {
                valid = util.isValidNumberForRegion(n, region);
            } else {
                // the country code's main region first (US for +1): most numbers are valid there, and the check is
                // cheap; resolving among all regions of the code only when that fails
                String main = util.getRegionCodeForCountryCode(n.getCountryCode());
                valid = util.isValidNumberForRegion(n, main)
                        || (util.getRegionCodesForCountryCode(n.getCountryCode()).size() > 1 && util.isValidNumber(n));
            }
            if (valid) {
                return 0.85;
            }
            return acceptPossible && util.isPossibleNumber(n) ? 0.6 : 0;
        } catch (NumberParseException e) {
            return 0;
        }
    }
}
