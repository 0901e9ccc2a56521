package dev.veil.core.detect;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.List;

/**
 * Phone number validity by libphonenumber, applied to short candidates found by Veil's own linear scanner
 * (never to whole texts: libphonenumber's matcher runs backtracking regular expressions). A number with a
 * country code is judged for that country; one without, for each of the policy's regions.
 */
final class PhoneCheck {
    private static final int MAX_CANDIDATE = 32;
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /**
     * Per country code (index): the national prefixes the parser would strip for the code's main region, where its
     * parsing rules are plain (see {@link #plainPrefixes}); null for a code off the fast path. Looked up once here,
     * not per candidate.
     */
    private static final String[][] FAST_PREFIXES = new String[1000][];
    /** Per country code (index): whether it is an assigned code at all (the table is prefix-free). */
    private static final boolean[] ASSIGNED = new boolean[1000];
    private static final String[] NONE = {};

    static {
        for (int cc = 1; cc < 1000; cc++) {
            String main = UTIL.getRegionCodeForCountryCode(cc);
            ASSIGNED[cc] = !main.equals("ZZ") && !main.equals("001");
            FAST_PREFIXES[cc] = ASSIGNED[cc] ? plainPrefixes(main) : null;
        }
    }

    /**
     * The literal prefixes the parser strips from the front of a national number in {@code region} ({"0"} for
     * Germany, {"0", "180020"} for the UK, none for Italy) when they are all it does: no carrier-code patterns and no
     * transform rule (Brazil's "0xx", Australia's "1831", Japan's rewrites). Null otherwise: such numbers go to the
     * parser.
     */
    static String[] plainPrefixes(String region) {
        Phonemetadata.PhoneMetadata md = DefaultMetadataDependenciesProvider.getInstance()
                .getPhoneNumberMetadataSource().getMetadataForRegion(region);
        if (md == null || md.hasNationalPrefixTransformRule()) {
            return null;
        }
        String prefix = md.hasNationalPrefix() ? md.getNationalPrefix() : "";
        String forParsing = md.hasNationalPrefixForParsing() ? md.getNationalPrefixForParsing() : prefix;
        if (prefix.length() > 1 || forParsing.isEmpty() && !prefix.isEmpty()) {
            return null;
        }
        if (forParsing.isEmpty()) {
            return NONE;
        }
        String[] alternatives = forParsing.split("\\|");
        for (String a : alternatives) {
            if (a.isEmpty() || !a.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
        }
        return alternatives;
    }

    /** Whether {@code d} holds one of {@code prefixes} at {@code from}. */
    private static boolean startsWithAny(StringBuilder d, int from, String[] prefixes) {
        for (String p : prefixes) {
            if (d.length() - from >= p.length() && d.substring(from, from + p.length()).equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** Country codes on the parser-free path (for tests). */
    static java.util.List<Integer> fastCodes() {
        java.util.List<Integer> codes = new java.util.ArrayList<>();
        for (int cc = 1; cc < 1000; cc++) {
            if (FAST_PREFIXES[cc] != null) {
                codes.add(cc);
            }
        }
        return codes;
    }

    /**
     * A policy region with the facts the parser-free national check needs: its trunk digit (-1 for none) and the
     * prefixes its parser strips (null off the fast path).
     */
    private record Region(String code, int countryCode, String countryDigits, int trunk, String[] prefixes) {
        static Region of(String code) {
            int cc = UTIL.getCountryCodeForRegion(code);
            String[] prefixes = cc == 0 ? null : plainPrefixes(code);
            String ndd = UTIL.getNddPrefixForRegion(code, true);
            int trunk = ndd != null && ndd.length() == 1 ? ndd.charAt(0) : -1;
            return new Region(code, cc, Integer.toString(cc), trunk, prefixes);
        }
    }

    private final List<Region> regions;

    PhoneCheck(List<String> regions) {
        this.regions = regions.stream().map(Region::of).toList();
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
        for (Region r : regions) {
            double f = fastNational(candidate, r);
            if ((f >= 0 ? f : judge(candidate, r.code(), false)) > 0) {
                return 0.85;
            }
        }
        return 0;
    }

    /**
     * The same verdict as {@link #judge} for a number with a country code, without libphonenumber's parser (a
     * chain of regular expressions that cost more than the validity check itself): the country code is split off
     * by the ITU prefix-free table. Returns -1 where the parser's extra rules could matter (a code whose
     * region parses with carrier or transform rules, a "(0)" trunk digit, a trunk prefix or a zero after the code), so the caller asks the
     * parser.
     */
    double fastInternational(String candidate) {
        if (candidate.indexOf("(0)") >= 0) {
            return -1; // whether the parser drops a "(0)" trunk digit depends on the country's patterns
        }
        StringBuilder d = digits(candidate);
        for (int len = 1; len <= 3 && len < d.length(); len++) {
            int cc = Integer.parseInt(d, 0, len, 10);
            if (!ASSIGNED[cc]) {
                continue;
            }
            String[] prefixes = FAST_PREFIXES[cc];
            if (prefixes == null || d.charAt(len) == '0' || d.length() - len > 17 || startsWithAny(d, len, prefixes)) {
                return -1; // the parser strips a national prefix written after the country code (+7 8…)
            }
            Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(cc)
                    .setNationalNumber(Long.parseLong(d, len, d.length(), 10));
            return valid(n, null) ? 0.85 : UTIL.isPossibleNumber(n) ? 0.6 : 0;
        }
        return 0;
    }

    /** {@link #fastNational(String, Region)} for a region code; for tests. */
    double fastNational(String candidate, String region) {
        return fastNational(candidate, Region.of(region));
    }

    /**
     * The same verdict as {@link #judge} for a national number in {@code region}, without the parser, where the
     * region's parsing rules are plain prefixes and the number has no international prefix nor the region's own
     * country code in front; -1 elsewhere.
     */
    private double fastNational(String candidate, Region region) {
        if (region.prefixes() == null || candidate.indexOf('+') >= 0) {
            return -1;
        }
        StringBuilder d = digits(candidate);
        String code = region.countryDigits();
        if (d.length() >= code.length() && d.substring(0, code.length()).equals(code)) {
            return -1; // the parser may read the region's own country code at the front
        }
        // the trunk digit is stripped; any other prefix the parser knows ("180020" in the UK) is left to it
        int from = d.length() > 0 && d.charAt(0) == region.trunk() ? 1 : 0;
        if (from == 0 && startsWithAny(d, 0, region.prefixes())) {
            return -1;
        }
        if (d.length() - from < 2 || d.length() - from > 17 || d.charAt(from) == '0') {
            return -1;
        }
        Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(region.countryCode())
                .setNationalNumber(Long.parseLong(d, from, d.length(), 10));
        if (valid(n, region.code())) {
            return 0.85;
        }
        // the parser keeps the trunk digit where the rest does not fit the region's numbers (Russia's 8 800 …),
        // and that longer number may be valid: only the parser can tell
        return from == 1 ? -1 : 0;
    }

    private static StringBuilder digits(String candidate) {
        StringBuilder d = new StringBuilder(candidate.length());
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            }
        }
        return d;
    }

    /**
     * Validity for {@code region} when the number's country code is the region's; otherwise (or with null) for the
     * code's main region first (US for +1: most numbers are valid there, and the check is cheap), resolving among
     * all regions of the code only when that fails ({@code isValidNumber} tries every one, some 25 for +1).
     */
    private static boolean valid(Phonenumber.PhoneNumber n, String region) {
        if (region != null && UTIL.getCountryCodeForRegion(region) == n.getCountryCode()) {
            return validForRegion(n, region);
        }
        String main = UTIL.getRegionCodeForCountryCode(n.getCountryCode());
        return validForRegion(n, main)
                || (UTIL.getRegionCodesForCountryCode(n.getCountryCode()).size() > 1 && validInAnyRegion(n));
    }

    /**
     * {@code PhoneNumberUtil.isValidNumberForRegion}'s verdict at a fraction of its cost. libphonenumber answers by
     * typing the number: it matches up to ten number descriptions one by one (premium rate, toll free, … fixed
     * line, mobile), each through a synchronized pattern cache and a new matcher, and most valid numbers are fixed
     * line or mobile, tried last. Validity only asks whether any matches, so {@link PhoneRules} tries the common
     * ones first, with patterns compiled once per region. {@code PhoneCheckTest} holds the two to the same answers.
     */
    static boolean validForRegion(Phonenumber.PhoneNumber n, String region) {
        PhoneRules r = PhoneRules.of(region, n.getCountryCode());
        if (r == null || n.getCountryCode() != r.countryCode) {
            return false;
        }
        return r.valid(UTIL.getNationalSignificantNumber(n));
    }

    /**
     * {@code PhoneNumberUtil.isValidNumber}: the number's region among those sharing its country code (the first
     * whose leading digits match, or that types the number), then validity there.
     */
    static boolean validInAnyRegion(Phonenumber.PhoneNumber n) {
        String nsn = UTIL.getNationalSignificantNumber(n);
        for (String region : UTIL.getRegionCodesForCountryCode(n.getCountryCode())) {
            PhoneRules r = PhoneRules.of(region, n.getCountryCode());
            if (r == null) {
                continue;
            }
            if (r.hasLeadingDigits()) {
                if (r.leads(nsn)) {
                    return r.valid(nsn);
                }
            } else if (r.valid(nsn)) {
                return true;
            }
        }
        return false;
    }

    /** The parser's verdict: 0.85 valid, 0.6 possible (when {@code acceptPossible}), else 0. */
    double judge(String candidate, String region, boolean acceptPossible) {
        try {
            Phonenumber.PhoneNumber n = UTIL.parse(candidate, region);
            if (valid(n, "ZZ".equals(region) ? null : region)) {
                return 0.85;
            }
            return acceptPossible && UTIL.isPossibleNumber(n) ? 0.6 : 0;
        } catch (NumberParseException e) {
            return 0;
        }
    }
}
