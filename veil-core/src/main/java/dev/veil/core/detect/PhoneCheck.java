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
            return judge(candidate, "ZZ", true);
        }
        for (String r : regions) {
            if (judge(candidate, r, false) > 0) {
                return 0.85;
            }
        }
        return 0;
    }

    private double judge(String candidate, String region, boolean acceptPossible) {
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
