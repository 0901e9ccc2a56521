package dev.veil.core.detect;

/** Check-digit validators shared by built-in and policy-defined detectors. */
public final class Validators {
    private Validators() {
    }

    /** Luhn (mod 10) over the digits of {@code s}, ignoring every other character; needs at least 2 digits. */
    public static boolean luhn(CharSequence s) {
        int count = 0;
        for (int i = 0; i < s.length() && count < 2; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                count++;
            }
        }
        return count >= 2 && luhnSum(s) % 10 == 0;
    }

    /**
     * The Luhn sum of the digits of {@code s}, right to left, every second digit doubled (less 9 above 9), other
     * characters ignored. Valid numbers have a sum divisible by 10; tokenize and fake use the sum itself.
     */
    public static int luhnSum(CharSequence s) {
        int sum = 0;
        boolean dbl = false;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum;
    }

    /**
     * ISO 7064 mod 97-10 as used by IBAN: the first four characters move to the end, letters count as
     * 10..35, and the remainder must be 1. Spaces are ignored; anything else that is not alphanumeric fails.
     */
    public static boolean mod97(CharSequence s) {
        StringBuilder compact = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
            compact.append(Character.toUpperCase(c));
        }
        if (compact.length() < 5) {
            return false;
        }
        String r = compact.substring(4) + compact.substring(0, 4);
        int rem = 0;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c <= '9') {
                rem = (rem * 10 + (c - '0')) % 97;
            } else {
                int v = c - 'A' + 10;
                rem = (rem * 100 + v) % 97;
            }
        }
        return rem == 1;
    }

    /** The SSA rules for a US SSN's three parts: no area 000, 666 or 9xx, no group 00, no serial 0000. */
    public static boolean ssn(int area, int group, int serial) {
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }
}
