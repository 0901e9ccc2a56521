package dev.veil.core.action;

import dev.veil.core.detect.Validators;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.DataClass;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A realistic substitute of the same class: a name for a name, an e-mail for an e-mail, a phone number in the same
 * format. Deterministic by default — the substitute is drawn with a generator seeded by the keyed HMAC of class and
 * value, so the same input and key give the same fake on every instance and joins survive; with
 * {@code deterministic: false} each value gets a fresh random one. Fakes are chosen to be harmless: e-mails at the
 * reserved {@code example.*} domains, SSNs in the never-issued 9xx area, IPs in the documentation ranges, MACs
 * locally administered.
 */
final class Fake implements Action {
    private static final String[] EMAIL_DOMAINS = {"example.com", "example.net", "example.org"};
    private static final String[] STREET_TYPES = {"Street", "Avenue", "Road", "Lane", "Drive", "Way", "Court", "Place"};
    private static final SecureRandom SEEDS = new SecureRandom();

    private final String cls;
    private final KeyedHash key;
    private final FakeData data;
    private final FakeData ascii;
    private final byte[] prefix;

    Fake(DataClass c, KeyedHash key, String locale) {
        this.cls = c.name();
        this.key = key;
        this.data = FakeData.of(locale);
        this.ascii = FakeData.of("en");
        this.prefix = ("veil-fake:" + cls + ":").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        SplittableRandom r = new SplittableRandom(seed(text));
        String f = fake(text, r);
        if (number && isJsonNumber(f)) {
            out.number(f);
        } else {
            out.string(f);
        }
    }

    private long seed(String text) {
        if (key == null) {
            return SEEDS.nextLong();
        }
        byte[] v = text.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[prefix.length + v.length];
        System.arraycopy(prefix, 0, in, 0, prefix.length);
        System.arraycopy(v, 0, in, prefix.length, v.length);
        byte[] h = key.hash(in);
        long s = 0;
        for (int i = 0; i < 8; i++) {
            s = (s << 8) | (h[i] & 0xff);
        }
        return s;
    }

    String fake(String text, SplittableRandom r) {
        return switch (cls) {
            case "PERSON_NAME" -> name(text, r);
            case "EMAIL" -> email(r);
            case "PHONE" -> digits(text, r, true);
            case "STREET_ADDRESS" -> address(text, r);
            case "DATE_OF_BIRTH" -> date(text, r);
            case "CREDIT_CARD" -> card(text, r);
            case "US_SSN" -> ssn(text, r);
            case "IP_ADDRESS" -> ip(text, r);
            case "MAC_ADDRESS" -> mac(text, r);
            case "IBAN" -> iban(text, r);
            default -> shape(text, r);
        };
    }

    private static String pick(String[] a, SplittableRandom r) {
        return a[r.nextInt(a.length)];
    }

    private String name(String text, SplittableRandom r) {
        String given = pick(data.given, r);
        String family = pick(data.family, r);
        if (text.trim().indexOf(' ') < 0 && !data.familyFirst()) {
            return given; // one word in, one word out
        }
        return data.familyFirst() ? family + given : given + " " + family;
    }

    private String email(SplittableRandom r) {
        String g = asciiLetters(pick(ascii.given, r));
        String f = asciiLetters(pick(ascii.family, r));
        return (g.isEmpty() ? "user" : g) + "." + (f.isEmpty() ? "name" : f) + r.nextInt(100) + "@"
                + pick(EMAIL_DOMAINS, r);
    }

    /** The ASCII letters of {@code s}, lower-cased: name parts usable in an e-mail address. */
    private static String asciiLetters(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if (c >= 'a' && c <= 'z') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private String address(String text, SplittableRandom r) {
        String number = String.valueOf(1 + r.nextInt(999));
        String street;
        if (data.streets.length > 0) {
            street = pick(data.streets, r);
        } else if (data.suffixes.length > 0) {
            street = data.locale.equals("fr") || data.locale.equals("es") || data.locale.equals("it")
                    ? pick(data.suffixes, r) + " " + pick(data.family, r) : pick(data.family, r) + " " + pick(data.suffixes, r);
        } else {
            street = pick(data.family, r);
        }
        if (data.locale.equals("en") && data.streets.length > 0 && street.indexOf(' ') < 0) {
            street = street + " " + pick(STREET_TYPES, r);
        }
        String line = data.numberAfterStreet() ? street + " " + number : number + " " + street;
        if (text.indexOf(',') >= 0 && data.cities.length > 0) {
            line = line + ", " + pick(data.cities, r);
        }
        return line;
    }

    /** Digits replaced in place, separators kept; a leading {@code +} and country code kept for phones. */
    private static String digits(String text, SplittableRandom r, boolean keepCountry) {
        char[] c = text.toCharArray();
        int start = 0;
        if (keepCountry && c.length > 0 && c[0] == '+') {
            start = 1;
            while (start < c.length && start < 3 && Character.isDigit(c[start])) {
                start++;
            }
        }
        boolean first = true;
        for (int i = start; i < c.length; i++) {
            if (c[i] >= '0' && c[i] <= '9') {
                c[i] = (char) ('0' + (first ? 1 + r.nextInt(9) : r.nextInt(10)));
                first = false;
            }
        }
        return new String(c);
    }

    /** A date between 1940 and 2005 in the input's format; day and month both 1..12, so any order is valid. */
    private static String date(String text, SplittableRandom r) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        int small = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                sb.append(ch);
                i++;
                continue;
            }
            int j = i;
            while (j < text.length() && Character.isDigit(text.charAt(j))) {
                j++;
            }
            int len = j - i;
            if (len == 4) {
                sb.append(1940 + r.nextInt(66));
            } else if (len <= 2 && small < 2) {
                int v = 1 + r.nextInt(12);
                sb.append(len == 2 && v < 10 ? "0" + v : String.valueOf(v));
                small++;
            } else {
                for (int k = 0; k < len; k++) {
                    sb.append((char) ('0' + r.nextInt(10)));
                }
            }
            i = j;
        }
        return sb.toString();
    }

    /** A Luhn-valid card number with the input's length and separators, starting 4 (Visa-shaped). */
    private static String card(String text, SplittableRandom r) {
        char[] c = text.toCharArray();
        int n = 0;
        for (char ch : c) {
            if (ch >= '0' && ch <= '9') {
                n++;
            }
        }
        if (n < 2) {
            return shape(text, r);
        }
        boolean first = true;
        int last = -1;
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= '0' && c[i] <= '9') {
                c[i] = first ? '4' : (char) ('0' + r.nextInt(10));
                first = false;
                last = i;
            }
        }
        c[last] = '0';
        c[last] = (char) ('0' + (10 - Validators.luhnSum(java.nio.CharBuffer.wrap(c)) % 10) % 10);
        return new String(c);
    }

    /** An SSN in the 900–999 area, which the SSA never issues; separators kept. */
    private static String ssn(String text, SplittableRandom r) {
        String s = digits(text, r, false);
        int first = -1;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                first = i;
                break;
            }
        }
        return first < 0 ? s : s.substring(0, first) + '9' + s.substring(first + 1);
    }

    private static String ip(String text, SplittableRandom r) {
        if (text.indexOf(':') >= 0) {
            return String.format(Locale.ROOT, "2001:db8::%x:%x", r.nextInt(0x10000), r.nextInt(0x10000));
        }
        String[] nets = {"192.0.2.", "198.51.100.", "203.0.113."};
        return pick(nets, r) + (1 + r.nextInt(254));
    }

    private static String mac(String text, SplittableRandom r) {
        char sep = text.indexOf('-') >= 0 ? '-' : ':';
        StringBuilder sb = new StringBuilder("02");
        for (int i = 0; i < 5; i++) {
            sb.append(sep).append(String.format(Locale.ROOT, "%02x", r.nextInt(256)));
        }
        boolean upper = !text.equals(text.toLowerCase(Locale.ROOT));
        return upper ? sb.toString().toUpperCase(Locale.ROOT) : sb.toString();
    }

    /** Same country and length, random digits, valid mod-97 check digits. */
    private static String iban(String text, SplittableRandom r) {
        String compact = text.replace(" ", "");
        if (compact.length() < 5 || !Character.isLetter(compact.charAt(0)) || !Character.isLetter(compact.charAt(1))) {
            return shape(text, r);
        }
        String country = compact.substring(0, 2).toUpperCase(Locale.ROOT);
        StringBuilder bban = new StringBuilder();
        for (int i = 4; i < compact.length(); i++) {
            bban.append((char) ('0' + r.nextInt(10)));
        }
        String rearranged = bban + String.valueOf(country.charAt(0) - 'A' + 10) + (country.charAt(1) - 'A' + 10) + "00";
        int mod = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            mod = (mod * 10 + (rearranged.charAt(i) - '0')) % 97;
        }
        int check = 98 - mod;
        String out = country + (check < 10 ? "0" : "") + check + bban;
        if (text.indexOf(' ') < 0) {
            return out;
        }
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < out.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                grouped.append(' ');
            }
            grouped.append(out.charAt(i));
        }
        return grouped.toString();
    }

    /** Letters for letters (same case), digits for digits, everything else kept. */
    private static String shape(String text, SplittableRandom r) {
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char ch = c[i];
            if (ch >= '0' && ch <= '9') {
                c[i] = (char) ('0' + r.nextInt(10));
            } else if (ch >= 'a' && ch <= 'z') {
                c[i] = (char) ('a' + r.nextInt(26));
            } else if (ch >= 'A' && ch <= 'Z') {
                c[i] = (char) ('A' + r.nextInt(26));
            } else if (Character.isLetterOrDigit(ch)) {
                c[i] = 'x';
            }
        }
        return new String(c);
    }

    private static boolean isJsonNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i >= s.length() || (s.charAt(i) == '0' && s.length() > i + 1)) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
