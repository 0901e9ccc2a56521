package dev.veil.core.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One region's validity rules from libphonenumber's metadata, compiled on first use: what
 * {@code PhoneNumberUtil.isValidNumberForRegion} decides, without its per-call pattern cache and type-by-type order.
 *
 * <p>This is the one class of the detection package that uses {@code java.util.regex} (the architecture test names
 * it): libphonenumber's metadata is written in that dialect, and RE2J, tried in its place, was slower on it. The
 * patterns are the library's, never the policy's, and the input is a national significant number, digits only and
 * at most 19 long (a {@code long}), so backtracking has nothing to grow on. libphonenumber's own validity check
 * matches the same patterns against the same digits.
 */
final class PhoneRules {
    /** Per region code ("001/800" for a non-geographic code): its rules, or empty where libphonenumber has none. */
    private static final ConcurrentHashMap<String, Optional<PhoneRules>> BY_REGION = new ConcurrentHashMap<>();
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String NON_GEO = "001";
    final int countryCode;
    private final Pattern leadingDigits;
    private final Desc general;
    /** Fixed line and mobile first: they hold most numbers, and a match ends the search. */
    private final Desc[] types;

    private PhoneRules(Phonemetadata.PhoneMetadata md) {
        countryCode = md.getCountryCode();
        leadingDigits = md.hasLeadingDigits() ? Pattern.compile(md.getLeadingDigits()) : null;
        general = Desc.of(md.getGeneralDesc());
        List<Phonemetadata.PhoneNumberDesc> ds = new ArrayList<>(List.of(md.getFixedLine()));
        if (!md.getSameMobileAndFixedLinePattern()) {
            ds.add(md.getMobile());
        }
        ds.addAll(List.of(md.getTollFree(), md.getPremiumRate(), md.getSharedCost(), md.getVoip(),
                md.getPersonalNumber(), md.getPager(), md.getUan(), md.getVoicemail()));
        types = ds.stream().map(Desc::of).filter(Objects::nonNull).toArray(Desc[]::new);
    }

    /** A region's rules; for "001" (the non-geographic codes: +800, +882 …) those of {@code countryCode}. */
    static PhoneRules of(String region, int countryCode) {
        if (region == null) {
            return null;
        }
        boolean global = NON_GEO.equals(region);
        String key = global ? NON_GEO + "/" + countryCode : region;
        Optional<PhoneRules> known = BY_REGION.get(key); // the common case: no lock, no lambda
        if (known != null) {
            return known.orElse(null);
        }
        return BY_REGION.computeIfAbsent(key, k -> {
            var source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
            Phonemetadata.PhoneMetadata md;
            if (global) {
                md = UTIL.getSupportedGlobalNetworkCallingCodes().contains(countryCode)
                        ? source.getMetadataForNonGeographicalRegion(countryCode) : null;
            } else {
                md = UTIL.getSupportedRegions().contains(region)
                        ? source.getMetadataForRegion(region) : null;
            }
            return Optional.ofNullable(md).map(PhoneRules::new);
        }).orElse(null);
    }

    /** Whether the region declares leading digits that pick it among the regions of its country code. */
    boolean hasLeadingDigits() {
        return leadingDigits != null;
    }

    /** Whether {@code nsn} starts with the region's leading digits. */
    boolean leads(String nsn) {
        return leadingDigits.matcher(nsn).lookingAt();
    }

    /** Whether the national significant number is valid here: the general description and one number type match. */
    boolean valid(String nsn) {
        if (general == null || !general.matches(nsn)) {
            return false;
        }
        for (Desc d : types) {
            if (d.matches(nsn)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A number description: its possible lengths as a bit set (bit n: length n; all bits when none are listed, which
     * libphonenumber reads as "any") and its national number pattern.
     */
    private record Desc(long lengths, Pattern pattern) {
        static Desc of(Phonemetadata.PhoneNumberDesc d) {
            if (d == null || d.getNationalNumberPattern().isEmpty()) {
                return null; // libphonenumber matches nothing against an empty pattern
            }
            long lengths = d.getPossibleLengthList().isEmpty() ? -1L : 0;
            for (int l : d.getPossibleLengthList()) {
                lengths |= l >= 0 && l < 64 ? 1L << l : 0; // -1 marks a type the region does not have: no length
            }
            return new Desc(lengths, Pattern.compile(d.getNationalNumberPattern()));
        }

        boolean matches(String nsn) {
            int n = nsn.length();
            return (n >= 64 ? lengths == -1L : (lengths >>> n & 1) != 0) && pattern.matcher(nsn).matches();
        }
    }
}
