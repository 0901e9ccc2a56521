package dev.veil.core.detect;

import dev.veil.core.policy.DataClass;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in detectors in one linear pass per family: e-mail addresses around each {@code @}; number-like
 * runs (cards with Luhn and issuer prefixes, US SSNs with SSA rules, phone numbers, IPv4) split into digit
 * groups; IBANs with their country length and mod-97; MAC addresses; credentials in URLs; and secrets with
 * well-known provider prefixes. Every scanner moves forward only, with bounded look-around, so ReDoS-shaped
 * input costs no more than any other input of the same length.
 */
final class BuiltinDetector implements Detector {
    static final String ID = "builtin";

    private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths();
    private static final String[][] SECRET_PREFIXES = {
        // prefix, min body length, body alphabet: a = alnum, b = base64url-ish, d = base64url-ish and dots,
        // u = upper alnum
        {"AKIA", "16", "u"}, {"ASIA", "16", "u"}, {"ghp_", "36", "a"}, {"gho_", "36", "a"}, {"ghu_", "36", "a"},
        {"ghs_", "36", "a"}, {"ghr_", "36", "a"}, {"github_pat_", "60", "b"}, {"glpat-", "20", "b"},
        {"xoxb-", "20", "b"}, {"xoxp-", "20", "b"}, {"xoxa-", "20", "b"}, {"xoxr-", "20", "b"},
        {"sk_live_", "20", "a"}, {"rk_live_", "20", "a"}, {"sk_test_", "20", "a"}, {"AIza", "35", "b"},
        {"sk-", "40", "b"}, {"npm_", "36", "a"}, {"SG.", "60", "d"}, // sk-: OpenAI (sk-proj-…) and Anthropic (sk-ant-…)
    };

    /** libphonenumber calls allowed per text: repetitive digit soup must not cost a parse per window. */
    private static final int PHONE_CHECKS_PER_TEXT = 64;
    /** Digit groups looked at in one run of joined groups. */
    private static final int MAX_GROUPS = 32;
    private final PhoneCheck phones;

    BuiltinDetector(List<String> regions) {
        this.phones = new PhoneCheck(regions);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void detect(String text, List<Finding> out) {
        int n = text.length();
        boolean at = false;
        boolean digit = false;
        int digits = 0;
        int digitRuns = 0;
        boolean upper = false;
        boolean colon = false;
        boolean keyed = false;
        boolean nonAscii = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '@') {
                at = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
                if (i == 0 || !isDigit(text.charAt(i - 1))) {
                    digitRuns++;
                }
                digits++;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c == ':' || c == '-') {
                colon = true;
                keyed = keyed || c == ':' && keyBefore(text, i);
            } else if (c == '=') {
                keyed = keyed || keyBefore(text, i);
            } else if (c >= 0x80) {
                nonAscii = true;
            }
        }
        if (at) {
            emails(text, out);
            urlCredentials(text, out);
        }
        if (digit) {
            numbers(text, out, new int[] {PHONE_CHECKS_PER_TEXT}, Math.min(MAX_GROUPS, digitRuns));
            if (upper) {
                ibans(text, out);
            }
            if (colon) {
                macs(text, out);
            }
        }
        if (colon) {
            ipv6s(text, out);
        }
        secrets(text, out);
        if (digits >= 4) {
            birthDates(text, out, nonAscii); // every date of birth has a year
        }
        // a keyed secret follows "key=" or "key:", "Bearer ", or opens a config line with no mark ("requirepass …")
        if (keyed || text.indexOf("earer ") > 0 || spacedKeyLine(text)) {
            keyedSecrets(text, out);
        }
        flagSecrets(text, out); // its search for " -" is its own prefilter
    }

    // ---- dates of birth ------------------------------------------------------------------------------------

    /** Words that make a date a date of birth when they stand shortly before it (lower case). */
    private static final String[] BIRTH_WORDS = {"born", "birth", "dob", "d.o.b", "bday", "geboren", "geb.", "geburt",
        "geboorte", "né le", "née le", "né ", "née ", "naissance", "nacimiento", "nascimento", "nascita", "nato il",
        "nata il", "urodz", "doğum", "ngày sinh", "tanggal lahir", "lahir", "född", "født", "syntym", "születés",
        "né(e)", "nasci", "nasceu", "nacido", "nacida", "nací", "nato", "nata"};
    /** Birth words that do not start with an ASCII letter, found by plain search. */
    private static final String[] BIRTH_WORDS_OTHER = {"рожден", "родил", "🎂", "生年月日", "出生", "생년월일", "γέννηση",
        "تاريخ الميلاد"};
    /** Month names and abbreviations (English, German, French, Spanish, Italian, Portuguese, Dutch, Polish), by prefix. */
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
        "dec", "mär", "mai", "okt", "dez", "févr", "fév", "avr", "juin", "juil", "août", "déc", "ene", "abr", "ago",
        "dic", "gen", "mag", "giu", "lug", "ott", "set", "out", "fev", "mrt", "mei", "maart", "sty", "lut", "kwi",
        "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"};
    private static final int BIRTH_WINDOW = 40;

    private static void birthDates(String t, List<Finding> out, boolean nonAscii) {
        int n = t.length();
        for (int k = 0; nonAscii && k < BIRTH_WORDS_OTHER.length; k++) {
            String w = BIRTH_WORDS_OTHER[k];
            int at = t.indexOf(w);
            if (at >= 0) {
                dateAfter(t, at + w.length(), out);
            }
        }
        int from = 0;
        while (from < n) {
            int k = nextBirthWord(t, from);
            if (k < 0) {
                return;
            }
            int wordEnd = k;
            int limit = Math.min(n, wordEnd + BIRTH_WINDOW);
            int found = -1;
            for (int i = wordEnd; i < limit; i++) {
                int e = dateAt(t, i);
                if (e > 0) {
                    out.add(new Finding(DataClass.DATE_OF_BIRTH, i, e, 0.85, ID));
                    found = e;
                    break;
                }
            }
            from = found > 0 ? found : wordEnd;
        }
    }

    private static final KeywordIndex BIRTH = new KeywordIndex(BIRTH_WORDS);

    /** Records the first date within the window after {@code wordEnd}; returns its end, or -1. */
    private static int dateAfter(String t, int wordEnd, List<Finding> out) {
        int limit = Math.min(t.length(), wordEnd + BIRTH_WINDOW);
        for (int i = wordEnd; i < limit; i++) {
            int e = dateAt(t, i);
            if (e > 0) {
                out.add(new Finding(DataClass.DATE_OF_BIRTH, i, e, 0.85, ID));
                return e;
            }
        }
        return -1;
    }

    private static boolean asciiLetter(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private static boolean letter(char c) {
        return c < 0x80 ? asciiLetter(c) : Character.isLetter(c);
    }

    /** The end of the next birth word at or after {@code from}, or -1. */
    private static int nextBirthWord(String t, int from) {
        int n = t.length();
        for (int i = from; i < n; i++) {
            char c = t.charAt(i);
            // birth words start with an ASCII letter, at a word start
            if (c >= 0x80 || !asciiLetter(c) || (i > 0 && letter(t.charAt(i - 1)))) {
                continue;
            }
            String w = BIRTH.at(t, i);
            if (w != null) {
                return i + w.length();
            }
        }
        return -1;
    }

    /** The end of a date starting at {@code i} (numeric, or with a month name), or -1. */
    private static int dateAt(String t, int i) {
        int n = t.length();
        if (i > 0 && Character.isLetterOrDigit(t.charAt(i - 1))) {
            return -1;
        }
        char c = t.charAt(i);
        if (isDigit(c)) {
            // d{1,4} sep d{1,2} sep d{2,4}, one separator kind; or d{1,2} Month d{4}
            int a = run(t, i);
            if (a - i == 4 && a < n && (t.charAt(a) == '年' || t.charAt(a) == '년')) {
                return eastAsianDate(t, a + 1); // 1969年11月24日, 1944년 7월 10일
            }
            if (a - i <= 2 && a + 3 < n && t.charAt(a) == '.' && t.charAt(a + 1) == ' ') {
                return monthYear(t, a + 2); // 8. Juli 1988
            }
            if (a - i <= 2 && t.startsWith(" de ", a)) {
                return monthYear(t, a + 4); // 22 de julho de 1967, 4 de enero de 1962
            }
            if (a - i <= 2 && a < n && (t.charAt(a) == '-' || t.charAt(a) == '/') && monthAt(t, a + 1) > 0) {
                char sep = t.charAt(a);
                int m = monthAt(t, a + 1); // 19-Jan-1998, 19/Jan/1998
                if (m < n && t.charAt(m) == sep) {
                    int e = run(t, m + 1);
                    if (e - m - 1 == 4) {
                        return e;
                    }
                }
                return -1;
            }
            if (a - i <= 4 && a < n) {
                char sep = t.charAt(a);
                if (sep == '-' || sep == '/' || sep == '.') {
                    int b = run(t, a + 1);
                    if (b - a - 1 >= 1 && b - a - 1 <= 2 && b < n && t.charAt(b) == sep) {
                        int e = run(t, b + 1);
                        int len3 = e - b - 1;
                        int len1 = a - i;
                        boolean shape = len1 == 4 ? len3 >= 1 && len3 <= 2 : len1 <= 2 && (len3 == 4 || len3 == 2);
                        if (shape && (e >= n || !Character.isLetterOrDigit(t.charAt(e)))) {
                            return e;
                        }
                    }
                } else if (a - i <= 2 && a + 2 < n && ordinal(t, a)) {
                    // 21st of July 1948, 22nd July 1972
                    int j = a + 2;
                    if (t.startsWith(" of", j)) {
                        j += 3;
                    }
                    if (j < n && t.charAt(j) == ' ') {
                        int m = monthAt(t, j + 1);
                        if (m > 0) {
                            int y = m < n && t.charAt(m) == ',' ? m + 1 : m;
                            y = y < n && t.charAt(y) == ' ' ? y + 1 : y;
                            int e = run(t, y);
                            if (e - y == 4) {
                                return e;
                            }
                        }
                    }
                } else if (sep == ' ' && a - i <= 2) {
                    int m = monthAt(t, a + 1);
                    if (m > 0) {
                        int y = m < n && t.charAt(m) == ' ' ? m + 1 : m;
                        int e = run(t, y);
                        if (e - y == 4) {
                            return e;
                        }
                    }
                }
            }
            return -1;
        }
        int m = monthAt(t, i);
        if (m > 0 && m < n && t.charAt(m) == ' ') {
            int d = run(t, m + 1);
            if (d - m - 1 >= 1 && d - m - 1 <= 2) {
                int y = d + 2 <= n && ordinal(t, d) ? d + 2 : d; // July 21st, 1985
                if (y < n && t.charAt(y) == ',') {
                    y++;
                }
                if (y < n && t.charAt(y) == ' ') {
                    y++;
                }
                int e = run(t, y);
                if (e - y == 4) {
                    return e;
                }
            }
        }
        return -1;
    }

    /** The end of "month [de] year" at {@code i}: "Juli 1988", "julho de 1967"; or -1. */
    private static int monthYear(String t, int i) {
        int m = monthAt(t, i);
        if (m < 0) {
            return -1;
        }
        int y = t.startsWith(" de ", m) ? m + 4 : m < t.length() && t.charAt(m) == ' ' ? m + 1 : -1;
        if (y < 0) {
            return -1;
        }
        int e = run(t, y);
        return e - y == 4 && (e == t.length() || !Character.isLetterOrDigit(t.charAt(e))) ? e : -1;
    }

    /** The end of the month and day after a year and 年 or 년: "11月24日", " 7월 10일"; or -1. */
    private static int eastAsianDate(String t, int i) {
        int n = t.length();
        int k = i < n && t.charAt(i) == ' ' ? i + 1 : i;
        int m = run(t, k);
        if (m - k < 1 || m - k > 2 || m >= n || (t.charAt(m) != '月' && t.charAt(m) != '월')) {
            return -1;
        }
        k = m + 1 < n && t.charAt(m + 1) == ' ' ? m + 2 : m + 1;
        int d = run(t, k);
        if (d - k < 1 || d - k > 2 || d >= n || (t.charAt(d) != '日' && t.charAt(d) != '일')) {
            return -1;
        }
        return d + 1;
    }

    private static boolean ordinal(String t, int i) {
        return i + 2 <= t.length() && (t.startsWith("st", i) || t.startsWith("nd", i) || t.startsWith("rd", i)
                || t.startsWith("th", i)) && (i + 2 == t.length() || !Character.isLetter(t.charAt(i + 2)));
    }

    private static int run(String t, int i) {
        while (i < t.length() && isDigit(t.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The end of an English month name or its three-letter abbreviation (with an optional dot) at {@code i}. */
    private static int monthAt(String t, int i) {
        if (i >= t.length() || !Character.isLetter(t.charAt(i))) {
            return -1;
        }
        for (String m : MONTHS) {
            if (t.regionMatches(true, i, m, 0, m.length())) {
                int e = i + 3;
                while (e < t.length() && Character.isLetter(t.charAt(e)) && e - i < 9) {
                    e++;
                }
                if (e < t.length() && t.charAt(e) == '.') {
                    e++;
                }
                return e;
            }
        }
        return -1;
    }

    // ---- secrets after credential words ----------------------------------------------------------------------

    /**
     * Whether the {@code =} or {@code :} at {@code sep} may end a credential key: before it, past spaces and a
     * quote, stands an identifier with three ASCII letters or more (the shortest key is "pwd"). Times, ratios and
     * URLs' ports ("02:26:02", "a=1", ":8080") are turned away before {@link #keyedSecrets} walks the text.
     */
    private static boolean keyBefore(String t, int sep) {
        int q = sep - 1;
        while (q >= 0 && t.charAt(q) == ' ') {
            q--;
        }
        if (q >= 0 && (t.charAt(q) == '"' || t.charAt(q) == '\'')) {
            q--; // "password": and PHP's 'password' =>
        }
        int letters = 0;
        for (; q >= 0 && letters < 3; q--) {
            char c = t.charAt(q);
            if (asciiLetter(c)) {
                letters++;
            } else if (c != '_' && !Character.isLetterOrDigit(c)) {
                break;
            }
        }
        return letters >= 3;
    }

    private static final String[] SECRET_KEYS = {"password", "passwd", "pwd", "secret", "token", "api_key",
        "apikey", "api-key", "access_key", "private_key", "client_secret", "auth_token", "bearer", "pass",
        "passphrase", "requirepass", "masterauth", "accountkey", "sharedaccesskey", "privatekey", "presharedkey",
        "routing_key"};
    /** Keys short or common enough to start other words (passport, passenger): they must end where they match. */
    private static final Set<String> WHOLE_KEYS = Set.of("pass", "pwd");
    /** Keys that name their value on a config line without a mark: redis.conf, .netrc, router pages. */
    private static final Set<String> SPACED_KEYS = Set.of("password", "passphrase", "requirepass", "masterauth");

    /**
     * A value right after a credential word and {@code =}, {@code :} or {@code "bearer "} that looks like a
     * credential: at least 8 characters, no spaces, at least two kinds of characters and no plain word.
     */
    private static final KeywordIndex SECRET_KEY_INDEX = new KeywordIndex(SECRET_KEYS);

    private static void keyedSecrets(String t, List<Finding> out) {
        int n = t.length();
        for (int i = 0; i < n; i++) {
            // keys start a word or a camelCase part: password=, db_password=, userPassword=
            char c = t.charAt(i);
            boolean inWord = i > 0 && Character.isLetter(t.charAt(i - 1));
            boolean camel = inWord && c >= 'A' && c <= 'Z' && Character.isLowerCase(t.charAt(i - 1));
            boolean caps = inWord && c >= 'A' && c <= 'Z' && t.charAt(i - 1) >= 'A' && t.charAt(i - 1) <= 'Z';
            if (inWord && !camel && !caps) {
                continue;
            }
            String w = SECRET_KEY_INDEX.at(t, i);
            // inside an all-capitals word only a long key counts: PGPASSWORD, MYSQL_ROOT_PASSWORD's parts
            if (w == null || (caps && w.length() < 5) || (i > 1 && t.charAt(i - 1) == '{' && t.charAt(i - 2) == '$')
                    || (WHOLE_KEYS.contains(w) && i + w.length() < n && Character.isLetter(t.charAt(i + w.length())))
                    || publicKey(t, i)) {
                continue; // ${DB_PASSWORD:-x} is a reference, PublicKeyToken= a public value
            }
            do { // one pass; break leaves it for the next position
                int j = i + w.length();
                // allow the key to continue as an identifier: db_password, secretKey
                while (j < n && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_') && j - i < 40) {
                    j++;
                }
                if (j < n && (t.charAt(j) == '"' || t.charAt(j) == '\'')) {
                    j++;
                }
                int afterKey = j;
                while (j < n && t.charAt(j) == ' ') {
                    j++;
                }
                boolean bearer = w.equals("bearer");
                if (!bearer) {
                    if (j < n && (t.charAt(j) == '=' || t.charAt(j) == ':')) {
                        j++;
                        if (j < n && t.charAt(j) == '>') {
                            j++; // PHP's 'password' => '…'
                        }
                    } else if (!(j > afterKey && SPACED_KEYS.contains(w) && lineKey(t, i))) {
                        break;
                    }
                    while (j < n && t.charAt(j) == ' ') {
                        j++;
                    }
                }
                if (j < n && (t.charAt(j) == '"' || t.charAt(j) == '\'')) {
                    j++;
                }
                int s = j;
                while (j < n && j - s < 512) {
                    char v = t.charAt(j);
                    if (v == ' ' || v == '"' || v == '\'' || v == ',' || v == ';' || v == '\n' || v == '}'
                            || (v == '&' && nextParameter(t, j + 1))) {
                        break;
                    }
                    j++;
                }
                if (j - s >= 8 && credentialLike(t, s, j)) {
                    out.add(new Finding(DataClass.SECRET, s, j, 0.8, ID));
                    i = j;
                }
            } while (false);
        }
    }

    /** Whether a line of {@code t} opens with a {@link #SPACED_KEYS} key, indentation aside. */
    private static boolean spacedKeyLine(String t) {
        int line = 0;
        while (true) {
            int k = line;
            while (k < t.length() && (t.charAt(k) == ' ' || t.charAt(k) == '\t')) {
                k++;
            }
            for (String key : SPACED_KEYS) {
                if (t.regionMatches(true, k, key, 0, key.length())) {
                    return true;
                }
            }
            int next = t.indexOf('\n', k);
            if (next < 0) {
                return false;
            }
            line = next + 1;
        }
    }

    /** Whether the key at {@code i} opens its line, indentation aside: "requirepass …" in redis.conf. */
    private static boolean lineKey(String t, int i) {
        int k = i;
        while (k > 0 && (t.charAt(k - 1) == ' ' || t.charAt(k - 1) == '\t')) {
            k--;
        }
        return k == 0 || t.charAt(k - 1) == '\n';
    }

    /** Whether the key at {@code i} belongs to a public value: PublicKeyToken=, public_key:, publicKey. */
    private static boolean publicKey(String t, int i) {
        int k = i;
        while (k > 0 && (Character.isLetter(t.charAt(k - 1)) || t.charAt(k - 1) == '_' || t.charAt(k - 1) == '-') && i - k < 12) {
            k--;
        }
        return t.regionMatches(true, k, "public", 0, 6);
    }

    /**
     * Whether a query parameter ({@code name=}) starts at {@code i}: an {@code &} before one ends a value
     * ({@code ?token=…&page=2}); any other {@code &} belongs to it ({@code A4hL&7w&StGd~go}).
     */
    private static boolean nextParameter(String t, int i) {
        int k = i;
        while (k < t.length() && k - i < 64 && (alnum(t.charAt(k)) || t.charAt(k) == '_' || t.charAt(k) == '.'
                || t.charAt(k) == '-' || t.charAt(k) == '[' || t.charAt(k) == ']')) {
            k++;
        }
        return k > i && k < t.length() && t.charAt(k) == '=';
    }

    /** Command-line flags whose argument is a credential: {@code docker login -u ci -p …}, {@code --token …}. */
    private static final String[] SECRET_FLAGS = {" -p ", " --password ", " --password=", " --token ", " --token=",
        " --api-key ", " --api-key=", " --secret ", " --secret=", " -a ", " -p"};

    private static void flagSecrets(String t, List<Finding> out) {
        int n = t.length();
        for (int at = t.indexOf(" -"); at >= 0; at = t.indexOf(" -", at + 2)) {
            String flag = null;
            for (String f : SECRET_FLAGS) {
                if (t.startsWith(f, at)) {
                    flag = f;
                    break;
                }
            }
            if (flag == null) {
                continue;
            }
            int s = at + flag.length();
            if (s < n && (t.charAt(s) == '\'' || t.charAt(s) == '"') && flag.endsWith(" ")) {
                s++; // redis-cli -a 'p4ss'
            }
            int e = s;
            while (e < n && e - s < 512 && !Character.isWhitespace(t.charAt(e)) && t.charAt(e) != '"'
                    && t.charAt(e) != '\'') {
                e++;
            }
            // "-p" is also a port or a profile: its argument must mix three kinds of characters, one of them letters
            int k = kinds(t, s, e);
            boolean shortFlag = flag.length() <= 4; // -p and -a are also ports, profiles and "all"
            if (e - s >= 8 && Integer.bitCount(k) >= (shortFlag ? 3 : 2) && (k & LETTERS) != 0
                    && !reference(t, s, e)) {
                out.add(new Finding(DataClass.SECRET, s, e, 0.8, ID));
            }
        }
    }

    private static final int LOWER = 1;
    private static final int UPPER = 2;
    private static final int DIGIT = 4;
    private static final int OTHER = 8;
    private static final int LETTERS = LOWER | UPPER;

    /** Which kinds of characters {@code t[s, e)} holds, as {@link #LOWER}, {@link #UPPER}, {@link #DIGIT}, {@link #OTHER} bits. */
    private static int kinds(String t, int s, int e) {
        int k = 0;
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            k |= c >= 'a' && c <= 'z' ? LOWER : c >= 'A' && c <= 'Z' ? UPPER : isDigit(c) ? DIGIT : OTHER;
        }
        return k;
    }

    private static boolean credentialLike(String t, int s, int e) {
        return Integer.bitCount(kinds(t, s, e)) >= 2 && !reference(t, s, e);
    }

    /**
     * Values that refer to a secret rather than hold one: placeholders and masks ({@code ${VAR}}, {@code %(pw)s},
     * {@code <token>}, {@code [REDACTED]}, {@code ****}), secret-store paths ({@code vault:secret/db#pw}) and code
     * ({@code settings.API_KEY}, {@code os.environ[...]}).
     */
    private static boolean reference(String t, int s, int e) {
        char c = t.charAt(s);
        if (c == '*' || c == '<' || c == '[' || c == '$' || c == '%' || c == '{') {
            return true;
        }
        String v = t.substring(s, e);
        if (v.startsWith("vault:") || v.startsWith("env:") || v.startsWith("ref:") || v.startsWith("secret:")
                || v.startsWith("arn:") || v.contains("(") || v.contains(")") || v.startsWith("ENC[")
                || v.contains("env.") || v.contains("environ") || v.contains("getenv") || placeholder(v)) {
            return true;
        }
        // a slug names a secret (a Kubernetes Secret, a vault entry) but is none: smtp-credentials, db_password
        boolean slug = true;
        for (int i = 0; i < v.length() && slug; i++) {
            char x = v.charAt(i);
            slug = (x >= 'a' && x <= 'z') || x == '-' || x == '_' || x == '.';
        }
        if (slug) {
            return true;
        }
        // identifier.IDENTIFIER: a variable, not a value
        int dot = v.indexOf('.');
        if (dot > 0 && dot < v.length() - 1) {
            for (int i = 0; i < v.length(); i++) {
                char x = v.charAt(i);
                if (!(Character.isLetterOrDigit(x) || x == '_' || x == '.')) {
                    return false;
                }
            }
            return Character.isLetter(v.charAt(0)) && Character.isUpperCase(v.charAt(dot + 1));
        }
        return false;
    }

    /** Words that make a value an example of a secret when they stand as words in it: "xoxb-your-token-here". */
    private static final String[] PLACEHOLDER_WORDS = {"your", "here", "changeme", "placeholder", "dummy", "redacted"};

    /**
     * Example values that stand for a secret: "xoxb-your-token-here", "sk_live_xxxxxxxx", "changeme". A word counts
     * only set off by non-letters, so a random token that happens to spell one is still a secret; AWS's documented
     * AKIAIOSFODNN7EXAMPLE stays one too (masking an example costs nothing; missing a key costs much).
     */
    static boolean placeholder(String v) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        if (l.contains("xxxx")) {
            return true;
        }
        for (String w : PLACEHOLDER_WORDS) {
            for (int at = l.indexOf(w); at >= 0; at = l.indexOf(w, at + 1)) {
                int e = at + w.length();
                if ((at == 0 || !Character.isLetter(l.charAt(at - 1))) && (e == l.length() || !Character.isLetter(l.charAt(e)))) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- e-mail -------------------------------------------------------------------------------------------

    private static boolean localChar(char c) {
        return (c >= 0x80 && Character.isLetterOrDigit(c)) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
    }

    private static boolean domainChar(char c) {
        return (c >= 0x80 && Character.isLetterOrDigit(c)) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }

    private static void emails(String t, List<Finding> out) {
        int n = t.length();
        int from = 0;
        while (true) {
            int a = t.indexOf('@', from);
            if (a < 0) {
                return;
            }
            from = a + 1;
            int s = a;
            while (s > 0 && a - s < 64 && localChar(t.charAt(s - 1))) {
                s--;
            }
            while (s < a && (t.charAt(s) == '.' || t.charAt(s) == '\'')) {
                s++;
            }
            if (s == a) {
                continue;
            }
            int e = a + 1;
            while (e < n && e - a < 255 && domainChar(t.charAt(e))) {
                e++;
            }
            while (e > a + 1 && (t.charAt(e - 1) == '.' || t.charAt(e - 1) == '-')) {
                e--;
            }
            int lastDot = e - 1;
            while (lastDot > a && t.charAt(lastDot) != '.') {
                lastDot--;
            }
            if (lastDot <= a + 1 || e - lastDot - 1 < 2) {
                continue;
            }
            if (userInfo(t, a)) {
                continue; // user:password@host in a URL: URL_CREDENTIALS covers it
            }
            if (FILE_EXTENSIONS.contains(t.substring(lastDot + 1, e).toLowerCase(java.util.Locale.ROOT))) {
                continue; // icon@2x.png: a file name
            }
            if (messageId(t, s)) {
                continue; // Message-ID: <unique@host> is an identifier, not a mailbox
            }
            boolean tldAlpha = true;
            for (int k = lastDot + 1; k < e; k++) {
                if (!Character.isLetter(t.charAt(k))) {
                    tldAlpha = false;
                    break;
                }
            }
            if (tldAlpha) {
                out.add(new Finding(DataClass.EMAIL, s, e, 0.95, ID));
                from = e;
            }
        }
    }

    private static final java.util.Set<String> FILE_EXTENSIONS = java.util.Set.of("png", "jpg", "jpeg", "gif", "svg",
            "webp", "ico", "css", "js", "json", "txt", "pdf", "xml", "html", "htm", "map", "woff", "woff2", "ttf", "mp4",
            "mp3", "wav", "tar", "gz", "tgz", "jar", "yaml", "yml", "csv", "log");

    /**
     * Whether the {@code @} at {@code at} ends the user information of a URL: {@code ://} comes before it with
     * no {@code /}, {@code ?} or {@code #} in between (an e-mail in a URL's path or query is still an e-mail).
     */
    private static boolean userInfo(String t, int at) {
        for (int k = at - 1; k >= 2 && at - k < 512; k--) {
            char c = t.charAt(k);
            if (c == ' ' || c == '\n' || c == '\t' || c == '"' || c == '?') {
                return false; // a '#' may stand in a password (postgres://svc:Vq8#rT2@db): the search goes on
            }
            if (c == '/') {
                return t.charAt(k - 1) == '/' && t.charAt(k - 2) == ':';
            }
        }
        return false;
    }

    /** Whether the address starting at {@code s} is the value of a Message-ID, In-Reply-To or References header. */
    private static boolean messageId(String t, int s) {
        int from = Math.max(0, s - 16);
        String before = t.substring(from, s).toLowerCase(java.util.Locale.ROOT);
        return before.contains("message-id") || before.contains("in-reply-to") || before.contains("references");
    }

    // ---- URL credentials -------------------------------------------------------------------------------------

    private static void urlCredentials(String t, List<Finding> out) {
        int from = 0;
        while (true) {
            int p = t.indexOf("://", from);
            if (p < 0) {
                return;
            }
            int s = p + 3;
            int colon = -1;
            int e = s;
            int n = t.length();
            while (e < n && e - s < 512) {
                char c = t.charAt(e);
                if (c == '@' || c == '/' || c == ' ' || c == '?' || (c == '#' && colon < 0) || c == '"' || c == '\n') {
                    break; // past the user's colon a '#' is the password's, not a fragment: the '@' decides
                }
                if (c == ':' && colon < 0) {
                    colon = e;
                }
                e++;
            }
            if (e < n && t.charAt(e) == '@' && colon > s && colon < e - 1) {
                out.add(new Finding(DataClass.URL_CREDENTIALS, s, e, 0.95, ID));
            }
            from = s;
        }
    }

    // ---- number-like runs ----------------------------------------------------------------------------------

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Whether a character next to a digit run makes it part of a longer token. Letters of scripts written without
     * spaces (Han, kana, Hangul) do not: 电话020-5155 0212 is a number after a word.
     */
    private static boolean joins(char c) {
        return c < 0x2e80 ? alnum(c) : !(c >= 0x2e80 && c <= 0xd7ff) && Character.isLetterOrDigit(c);
    }

    private static boolean alnum(char c) {
        if (c < 0x80) {
            return isDigit(c) || asciiLetter(c); // ASCII without a table lookup
        }
        return Character.isLetterOrDigit(c);
    }

    /**
     * Walks runs of digits joined by single separators (space, dash, dot, parentheses, a leading plus), then
     * tries windows of consecutive digit groups, longest first, against the card, SSN, phone and IPv4 rules.
     */
    private void numbers(String t, List<Finding> out, int[] budget, int maxGroups) {
        int n = t.length();
        // a run holds at most one group per maximal digit run of the text, so short values allocate little
        int[] gs = new int[maxGroups];
        int[] ge = new int[maxGroups];
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            boolean startable = isDigit(c) || ((c == '+' || c == '(') && i + 1 < n && isDigit(t.charAt(i + 1)));
            if (!startable || (i > 0 && (joins(t.charAt(i - 1)) || t.charAt(i - 1) == '.' && i > 1 && isDigit(t.charAt(i - 2))))) {
                i++;
                continue;
            }
            // collect digit groups
            int g = 0;
            int j = i;
            if (t.charAt(j) == '+' || t.charAt(j) == '(') {
                j++;
            }
            while (j < n && g < maxGroups) {
                int s = j;
                while (j < n && isDigit(t.charAt(j)) && j - s < 20) {
                    j++;
                }
                if (j == s) {
                    break;
                }
                gs[g] = s;
                ge[g] = j;
                g++;
                if (j < n && isDigit(t.charAt(j))) {
                    break; // a run of more than 20 digits: an id, not PII we know
                }
                // one separator (")" may be followed by a space)
                int k = j;
                if (k < n && t.charAt(k) == ')') {
                    k++;
                    if (k < n && t.charAt(k) == ' ') {
                        k++;
                    }
                } else if (k < n && (t.charAt(k) == ' ' || t.charAt(k) == '-' || t.charAt(k) == '.')) {
                    k++;
                } else if (k < n && t.charAt(k) == '/' && g == 1 && t.charAt(gs[0]) == '0' && ge[0] - gs[0] >= 3) {
                    k++; // a German area code: 0221/9224158; dates, fractions and CIDR masks stay apart
                } else {
                    break;
                }
                if (k < n && (isDigit(t.charAt(k)) || (t.charAt(k) == '(' && k + 1 < n && isDigit(t.charAt(k + 1))))) {
                    if (t.charAt(k) == '(') {
                        k++;
                    }
                    j = k;
                } else {
                    break;
                }
            }
            int runEnd = g > 0 ? ge[g - 1] : i + 1;
            boolean rightOk = runEnd >= n || !joins(t.charAt(runEnd));
            if (g > 0) {
                windows(t, i, gs, ge, g, rightOk, out, budget);
            }
            i = Math.max(runEnd, i + 1);
        }
    }

    private void windows(String t, int runStart, int[] gs, int[] ge, int g, boolean rightOk, List<Finding> out,
                         int[] budget) {
        int a = 0;
        while (a < g) {
            // the longest window from group a that holds at most 19 digits, then shorter ones: the first that
            // classifies is the finding, so no validator runs on the prefixes of a number that is valid whole
            int last = a;
            int digits = ge[a] - gs[a];
            while (last + 1 < g && digits + ge[last + 1] - gs[last + 1] <= 19) {
                last++;
                digits += ge[last] - gs[last];
            }
            if (digits > 19) { // one group alone is longer
                a++;
                continue;
            }
            int start = a == 0 ? runStart : gs[a];
            if (a > 0 && gs[a] > 0 && t.charAt(gs[a] - 1) == '(') {
                start = gs[a] - 1;
            }
            Finding best = null;
            int b = last;
            for (; b >= a; digits -= ge[b] - gs[b], b--) {
                if (b == g - 1 && !rightOk) {
                    continue;
                }
                best = classify(t, start, gs, ge, a, b, g, digits, budget);
                if (best != null) {
                    break;
                }
            }
            if (best != null) {
                out.add(best);
                a = b + 1;
            } else {
                a++;
            }
        }
    }

    private Finding classify(String t, int start, int[] gs, int[] ge, int a, int b, int g, int digits, int[] budget) {
        int end = ge[b];
        int groups = b - a + 1;
        char sep = groups > 1 ? t.charAt(ge[a]) : 0;
        boolean sameSep = true;
        for (int k = a; k < b; k++) {
            if (t.charAt(ge[k]) != sep || ge[k] + 1 != gs[k + 1]) {
                sameSep = false;
            }
        }
        boolean plus = t.charAt(start) == '+';
        if (groups > 1 && t.charAt(ge[a]) == '/') {
            // the scanner joins a slash only after a trunk-prefixed first group (0221/9224158): a phone number
            // when the whole run is area code and number, after a phone word
            boolean areaCode = groups == 2 && ge[a] - gs[a] <= 5 && digits >= 9 && digits <= 12 && b == g - 1
                    && phoneCue(t, start);
            return areaCode ? new Finding(DataClass.PHONE, start, end, 0.7, ID) : null;
        }
        // IPv4: four dotted groups of 1-3 digits, each <= 255, not part of a longer dotted run
        if (groups == 4 && sep == '.' && sameSep && !plus) {
            if (a != 0 || b != g - 1) {
                return null; // part of a longer dotted run: a version or an OID, not an address
            }
            boolean ok = true;
            for (int k = a; k <= b; k++) {
                int len = ge[k] - gs[k];
                if (len > 3 || Integer.parseInt(t, gs[k], ge[k], 10) > 255 || (len > 1 && t.charAt(gs[k]) == '0')) {
                    ok = false;
                }
            }
            boolean more = end + 1 < t.length() && t.charAt(end) == '.' && isDigit(t.charAt(end + 1));
            if (ok && !more && !versionBefore(t, gs[a])) {
                return new Finding(DataClass.IP_ADDRESS, gs[a], end, 0.85, ID);
            }
            return null;
        }
        if (sep == '.' && !plus && groups > 1) {
            boolean pairs = groups == 5 && sameSep && digits == 10 && t.charAt(gs[a]) == '0' && a == 0 && b == g - 1;
            for (int k = a; k <= b && pairs; k++) {
                pairs = ge[k] - gs[k] == 2;
            }
            if (pairs) {
                return new Finding(DataClass.PHONE, start, end, 0.7, ID); // French style 01.23.45.67.89
            }
            if (!(groups == 3 && digits == 10)) {
                return null; // dotted numbers are versions, amounts or dates unless shaped like a phone
            }
        }
        // card: 13-19 digits, Luhn, known issuer prefix, separators only spaces or dashes
        if (digits >= 13 && digits <= 19 && !plus && (groups == 1 || (sameSep && (sep == ' ' || sep == '-')))) {
            String d = digitsOf(t, gs, ge, a, b);
            if (Validators.luhn(d) && issuer(d)) {
                return new Finding(DataClass.CREDIT_CARD, gs[a], end, groups == 1 ? 0.9 : 0.95, ID);
            }
        }
        // US SSN: AAA-GG-SSSS (dash or space), SSA rules
        if (groups == 3 && sameSep && (sep == '-' || sep == ' ') && !plus
                && ge[a] - gs[a] == 3 && ge[a + 1] - gs[a + 1] == 2 && ge[b] - gs[b] == 4) {
            int area = Integer.parseInt(t, gs[a], ge[a], 10);
            int group = Integer.parseInt(t, gs[a + 1], ge[a + 1], 10);
            int serial = Integer.parseInt(t, gs[b], ge[b], 10);
            if (Validators.ssn(area, group, serial)) {
                return new Finding(DataClass.US_SSN, gs[a], end, sep == '-' ? 0.85 : 0.6, ID);
            }
            return null;
        }
        // phone: libphonenumber decides validity for the country code, or for the policy's regions
        boolean paren = t.charAt(start) == '(';
        boolean whole = a == 0 && b == g - 1;
        // a phone word just before ("Phone:", "WhatsApp", "call me on", "📞") makes any whole run of 7-15 digits
        // a candidate, written as a single group or not
        if (!plus && caseNumber(t, start)) {
            return null; // "ACCOUNT 700-188-2231", "case number is 0044-771209": an id, though shaped like a phone
        }
        boolean cue = whole && !plus && digits >= 7 && digits <= 15 && sep != '.' && (start == 0 || t.charAt(start - 1) != '#')
                && phoneCue(t, start); // "#5655682" is an order number, whatever word stands before it
        if (digits >= 7 && digits <= 15 && (plus || (groups > 1 && (sameSep || paren)) || paren || cue)
                && plausibleGroups(t, gs, ge, a, b, plus) && !inIdentifier(t, start)
                && (plus || !continuesWithSameSep(t, gs, ge, a, b, g, sep))) {
            double score = budget[0]-- > 0 ? phones.score(t.substring(start, end), plus) : plus ? 0.7 : 0;
            if (score == 0 && !plus && digits >= 9 && digits <= 12 && whole) {
                if (bracketed(t, start, gs, ge, a, b)) {
                    return new Finding(DataClass.PHONE, gs[a], end, 0.6, ID);
                }
                if (nationalPhone(t, start, gs, ge, a, b, sameSep)) {
                    score = 0.6; // a whole digit run shaped like a phone number, though no region we read validates it
                }
            }
            if (score < 0.7 && cue) {
                score = 0.7;
            }
            if (score > 0) {
                return new Finding(DataClass.PHONE, start, end, score, ID);
            }
        }
        return null;
    }

    /**
     * Whether a dotted quad at {@code s} is a version: after a product name and a slash (Chrome/120.0.0.0) or a
     * version key (Version=8.0.0.0, "version": "4.2.0.1", v1.2.3.4).
     */
    private static boolean versionBefore(String t, int s) {
        if (s > 1 && t.charAt(s - 1) == '/') {
            // a product token: a capitalized word of letters, not a host name's last label (ec2.internal/10.0.0.1)
            int k = s - 1;
            while (k > 0 && Character.isLetter(t.charAt(k - 1))) {
                k--;
            }
            return k < s - 1 && Character.isUpperCase(t.charAt(k)) && (k == 0 || t.charAt(k - 1) == ' ' || t.charAt(k - 1) == '(');
        }
        if (s > 0 && (t.charAt(s - 1) == 'v' || t.charAt(s - 1) == 'V') && (s == 1 || !Character.isLetter(t.charAt(s - 2)))) {
            return true;
        }
        int k = s;
        while (k > 0 && s - k < 4 && (t.charAt(k - 1) == '=' || t.charAt(k - 1) == ':' || t.charAt(k - 1) == ' '
                || t.charAt(k - 1) == '"')) {
            k--;
        }
        return k < s && k >= 7 && t.regionMatches(true, k - 7, "version", 0, 7);
    }

    /** Phone numbers are written in groups of two or more digits; only a leading group (country, trunk) is shorter. */
    private static boolean plausibleGroups(String t, int[] gs, int[] ge, int a, int b, boolean plus) {
        boolean afterTrunk = plus; // +33 6 12 34 56 78: a one-digit area or mobile prefix after the country code
        for (int k = a + 1; k <= b; k++) {
            boolean trunk = ge[k] - gs[k] == 1 && t.charAt(gs[k]) == '0' && gs[k] > 0 && t.charAt(gs[k] - 1) == '('
                    && ge[k] < t.length() && t.charAt(ge[k]) == ')'; // +33 (0)6 …, +49 (0)170 …
            if (ge[k] - gs[k] < 2 && !trunk && !afterTrunk) {
                return false;
            }
            afterTrunk = trunk;
        }
        return true;
    }

    /** Phone words that make a digit run before them a phone number (lower case, ASCII first letter). */
    private static final KeywordIndex PHONE_WORDS = new KeywordIndex("phone", "tel", "tél", "mobile", "mobil", "cell",
            "whatsapp", "call me", "call us", "ring", "reach me", "fax", "telefon", "teléfono", "telefone", "telefono",
            "téléphone", "handy", "sms", "text me", "gsm", "portable", "celular", "móvil", "movil", "contact no",
            "landline", "hotline", "cellulare", "puhelin", "telefonnummer", "numer tel", "my number", "new number",
            "number is", "numero", "número", "nummer", "natel", "contacto", "contato", "cel", "celu", "mob", "sdt",
            "numarası", "numarasi", "numara", "cep", "telepon", "ponsel", "nambari", "simu", "telefono", "tlf",
            "mobiel", "mobiltelefon", "komórka", "kom", "mobil", "gsm", "tel.", "cellphone", "phone no");
    /** Phone words in scripts the keyword index does not cover, found by plain search. */
    private static final String[] PHONE_WORDS_OTHER = {"📞", "☎", "điện thoại", "sđt", "电话", "電話", "手机", "携帯", "연락처", "전화",
        "휴대폰", "핸드폰", "телефон", "тел.", "моб", "τηλ", "κινητό", "هاتف", "جوال", "موبايل", "رقم", "טלפון", "נייד", "फ़ोन",
        "फोन", "मोबाइल", "ስልክ", "โทร", "เบอร์", "تلفن", "موبایل", "شماره تماس"};
    private static final int PHONE_CUE_WINDOW = 40;

    /** Whether a phone word stands within {@link #PHONE_CUE_WINDOW} characters before {@code start}, on its line. */
    private static boolean phoneCue(String t, int start) {
        int from = start;
        int limit = Math.max(0, start - PHONE_CUE_WINDOW);
        while (from > limit && t.charAt(from - 1) != '\n') {
            from--;
        }
        for (int i = from; i < start; i++) {
            char c = t.charAt(i);
            if (c < 0x80) {
                String w = i == from || !Character.isLetter(t.charAt(i - 1)) && t.charAt(i - 1) != '/'
                        ? PHONE_WORDS.at(t, i) : null;
                // short words must end there: "tel" is not "tell", "ring" is not "ringtone"; a path segment
                // ("/api/sms/verify") is no phone word
                if (w != null && (w.length() >= 5 || i + w.length() >= t.length()
                        || !Character.isLetter(t.charAt(i + w.length())) && t.charAt(i + w.length()) != '/')) {
                    return true;
                }
            } else {
                for (String w : PHONE_WORDS_OTHER) {
                    if (t.regionMatches(true, i, w, 0, w.length())) { // Телефон, Τηλέφωνο
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A run that continues an identifier: ORD-2023-512691, INV_0042, ref/20240105. */
    private static boolean inIdentifier(String t, int runStart) {
        return runStart >= 2 && (t.charAt(runStart - 1) == '-' || t.charAt(runStart - 1) == '_' || t.charAt(runStart - 1) == '/')
                && Character.isLetterOrDigit(t.charAt(runStart - 2));
    }

    /** Whether the groups before or after the window are joined to it by the window's own separator. */
    private static boolean continuesWithSameSep(String t, int[] gs, int[] ge, int a, int b, int g, char sep) {
        return (a > 0 && t.charAt(ge[a - 1]) == sep) || (b < g - 1 && t.charAt(ge[b]) == sep);
    }

    /**
     * National formats without a country code: North American 3-3-4 (optionally 1-3-3-4 or with the area code in
     * parentheses), or a trunk-prefixed number (leading 0) in groups with one separator and a last group of 3+.
     */
    private static boolean nationalPhone(String t, int start, int[] gs, int[] ge, int a, int b, boolean sameSep) {
        int groups = b - a + 1;
        int[] len = new int[groups];
        for (int k = 0; k < groups; k++) {
            len[k] = ge[a + k] - gs[a + k];
        }
        boolean paren = t.charAt(start) == '(';
        if (groups == 3 && len[0] == 3 && len[1] == 3 && len[2] == 4) {
            return paren ? t.charAt(ge[a]) == ')' : sameSep;
        }
        if (groups == 4 && len[0] == 1 && t.charAt(gs[a]) == '1' && len[1] == 3 && len[2] == 3 && len[3] == 4) {
            return sameSep || t.charAt(ge[a + 1]) == ')';
        }
        if (groups < 2 || t.charAt(gs[a]) != '0' || len[groups - 1] < 3 || len[0] > 5) {
            return false;
        }
        if (paren) {
            // (03) 8095 6664, (0117) 559 7832: the area code in parentheses, the rest with one separator
            boolean rest = true;
            for (int k = a + 1; k < b; k++) {
                rest &= t.charAt(ge[k]) == t.charAt(ge[a + 1]);
            }
            return t.charAt(ge[a]) == ')' && rest;
        }
        return sameSep;
    }

    /**
     * A national number written whole inside brackets after a word, as contact lists write it: "Rhys Walker
     * (0701894452)", "Nagy (061 3877-3144)". It needs a trunk 0 or three groups: a bracketed id has neither.
     */
    private static boolean bracketed(String t, int start, int[] gs, int[] ge, int a, int b) {
        return t.charAt(start) == '(' && ge[b] < t.length() && t.charAt(ge[b]) == ')' && start >= 2
                && t.charAt(start - 1) == ' ' && Character.isLetter(t.charAt(start - 2)) && !idWordBefore(t, start - 1)
                && (t.charAt(gs[a]) == '0' || b - a >= 2) && (a == b || t.charAt(ge[a]) != ')');
    }

    /** Words that label an identifier: "order (0123456789)" is no phone number. */
    /** Words that make the number after them a file's or an account's: "case number is", "número de caso", "Account". */
    private static final List<String> CASE_WORD_LIST = List.of("account", "acct", "case", "caso", "claim", "policy",
            "invoice", "order", "ticket", "tracking", "reference", "ref", "booking", "confirmation", "contract", "loan",
            "member", "expediente", "dossier", "aktenzeichen", "pedido", "commande", "bestellung", "factura", "fattura",
            "ups", "usps", "dhl", "fedex", "sv-nummer", "versicherungsnummer", "routing", "aba", "sort", "iban");
    private static final WordSet CASE_WORDS = WordSet.of(CASE_WORD_LIST);
    /** A word right before a bracketed number that makes it an id: the case words and the generic ones. */
    private static final WordSet ID_WORDS = WordSet.of(java.util.stream.Stream.concat(CASE_WORD_LIST.stream(),
            java.util.stream.Stream.of("id", "no", "number", "po", "sku", "item", "customer")).toList());
    /** Words a case word may stand behind before its number: "case number is", "número de caso:". */
    private static final WordSet NUMBER_FILLERS = WordSet.of("number", "no", "nr", "num", "is", "de", "id", "code",
            "nummer", "número", "numero", "n", "#");

    /** Whether a case word stands among the three words before {@code start}, fillers and marks aside. */
    private static boolean caseNumber(String t, int start) {
        int k = start;
        for (int words = 0; words < 3 && k > 0; words++) {
            while (k > 0 && " :#.(=-".indexOf(t.charAt(k - 1)) >= 0) {
                k--;
            }
            int e = k;
            while (k > 0 && (Character.isLetter(t.charAt(k - 1)) || t.charAt(k - 1) == '-')) {
                k--;
            }
            if (k == e) {
                return false;
            }
            if (CASE_WORDS.contains(t, k, e)) {
                return true;
            }
            if (!NUMBER_FILLERS.contains(t, k, e)) {
                return false;
            }
        }
        return false;
    }

    private static boolean idWordBefore(String t, int end) {
        int s = end;
        while (s > 0 && asciiLetter(t.charAt(s - 1))) {
            s--;
        }
        return s < end && ID_WORDS.contains(t, s, end);
    }

    private static String digitsOf(String t, int[] gs, int[] ge, int a, int b) {
        StringBuilder sb = new StringBuilder(19);
        for (int k = a; k <= b; k++) {
            sb.append(t, gs[k], ge[k]);
        }
        return sb.toString();
    }

    /** Issuer prefixes of the major card networks (IIN ranges). */
    private static boolean issuer(String d) {
        int len = d.length();
        int p2 = Integer.parseInt(d.substring(0, 2));
        int p4 = Integer.parseInt(d.substring(0, 4));
        int p6 = Integer.parseInt(d.substring(0, 6));
        return (d.charAt(0) == '4' && (len == 13 || len == 16 || len == 19))                    // Visa
                || ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && len == 16           // Mastercard
                || (p2 == 34 || p2 == 37) && len == 15                                           // Amex
                || (p4 == 6011 || p2 == 65 || (p6 >= 622126 && p6 <= 622925) || (p4 >= 6440 && p4 <= 6499))
                    && len >= 16                                                                 // Discover
                || (p2 == 36 || (p4 >= 3000 && p4 <= 3059) || p2 == 38 || p2 == 39) && len >= 14 // Diners
                || (p4 >= 3528 && p4 <= 3589) && len >= 16                                       // JCB
                || p2 == 62 && len >= 16                                                         // UnionPay
                || (p4 >= 5018 && p4 <= 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759
                    || p4 == 6761 || p4 == 6762 || p4 == 6763) && len >= 12;                    // Maestro
    }

    // ---- IBAN ---------------------------------------------------------------------------------------------

    private static void ibans(String t, List<Finding> out) {
        int n = t.length();
        for (int i = 0; i + 4 < n; i++) {
            char c0 = t.charAt(i);
            char c1 = t.charAt(i + 1);
            if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z' || !isDigit(t.charAt(i + 2)) || !isDigit(t.charAt(i + 3))) {
                continue;
            }
            if (i > 0 && alnum(t.charAt(i - 1))) {
                continue;
            }
            Integer len = IBAN_LENGTHS.get(t.substring(i, i + 2));
            if (len == null) {
                continue;
            }
            int j = i;
            int count = 0;
            int lastEnd = i;
            while (j < n && count < len) {
                char c = t.charAt(j);
                if ((c >= 'A' && c <= 'Z') || isDigit(c) || (c >= 'a' && c <= 'z')) {
                    count++;
                    j++;
                    lastEnd = j;
                } else if (c == ' ' && j + 1 < n && alnum(t.charAt(j + 1)) && count % 4 == 0) {
                    j++;
                } else {
                    break;
                }
            }
            if (count == len && (lastEnd >= n || !alnum(t.charAt(lastEnd))) && Validators.mod97(t.substring(i, lastEnd))) {
                out.add(new Finding(DataClass.IBAN, i, lastEnd, 0.95, ID));
                i = lastEnd;
            }
        }
    }

    // ---- IPv6 ---------------------------------------------------------------------------------------------

    private static boolean v6Char(char c) {
        return hex(c) || c == ':' || c == '.';
    }

    /** Runs of hex digits, colons and dots with two or more colons that parse as an IPv6 address. */
    private static void ipv6s(String t, List<Finding> out) {
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (!v6Char(c) || (i > 0 && (alnum(t.charAt(i - 1)) || t.charAt(i - 1) == ':'))) {
                i++;
                continue;
            }
            int s = i;
            int colons = 0;
            boolean compressed = false;
            while (i < n && v6Char(t.charAt(i)) && i - s < 46) {
                if (t.charAt(i) == ':') {
                    colons++;
                    compressed |= i > s && t.charAt(i - 1) == ':';
                }
                i++;
            }
            int e = i;
            while (e > s && t.charAt(e - 1) == '.') {
                e--; // a sentence's full stop
            }
            if (e > s + 1 && t.charAt(e - 1) == ':' && t.charAt(e - 2) != ':') {
                e--; // "addr: " label colon, not "::"
            }
            boolean rightOk = i >= n || !Character.isLetterOrDigit(t.charAt(i));
            // an address has seven colons, six before an embedded IPv4, or fewer with "::": times such as
            // 12:30:00 never reach the parser
            boolean shaped = colons >= 6 || (compressed && colons >= 2);
            if (shaped && rightOk && e - s >= 2 && IpAddresses.ipv6(t.substring(s, e)) != null) {
                out.add(new Finding(DataClass.IP_ADDRESS, s, e, 0.85, ID));
            }
            i = Math.max(i, s + 1);
        }
    }

    // ---- MAC address ---------------------------------------------------------------------------------------

    private static boolean hex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static void macs(String t, List<Finding> out) {
        int n = t.length();
        for (int i = 0; i + 17 <= n; i++) {
            char sep = t.charAt(i + 2);
            if ((sep != ':' && sep != '-') || !hex(t.charAt(i)) || (i > 0 && (alnum(t.charAt(i - 1)) || t.charAt(i - 1) == sep))) {
                continue;
            }
            boolean ok = true;
            for (int k = 0; k < 6 && ok; k++) {
                int p = i + k * 3;
                ok = hex(t.charAt(p)) && hex(t.charAt(p + 1)) && (k == 5 || t.charAt(p + 2) == sep);
            }
            if (ok && (i + 17 == n || (!alnum(t.charAt(i + 17)) && t.charAt(i + 17) != sep))) {
                out.add(new Finding(DataClass.MAC_ADDRESS, i, i + 17, 0.9, ID));
                i += 16;
            }
        }
    }

    // ---- secrets -------------------------------------------------------------------------------------------

    private static boolean bodyChar(char c, char alphabet) {
        boolean an = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
        return switch (alphabet) {
            case 'u' -> (c >= 'A' && c <= 'Z') || isDigit(c);
            case 'a' -> an;
            case 'd' -> an || c == '-' || c == '_' || c == '.'; // SendGrid: SG.<id>.<secret>
            default -> an || c == '-' || c == '_';
        };
    }

    /** Secret prefixes by their first character (ASCII), so one pass over the text finds them all. */
    private static final String[][][] PREFIX_BY_CHAR = new String[128][][];

    static {
        java.util.Map<Character, List<String[]>> by = new java.util.HashMap<>();
        for (String[] p : SECRET_PREFIXES) {
            by.computeIfAbsent(p[0].charAt(0), k -> new java.util.ArrayList<>()).add(p);
        }
        by.forEach((c, l) -> PREFIX_BY_CHAR[c] = l.toArray(new String[0][]));
    }

    private static void secrets(String t, List<Finding> out) {
        int n = t.length();
        boolean jwt = false;
        boolean pem = false;
        for (int s = 0; s < n; s++) {
            char c = t.charAt(s);
            if (c >= 128) {
                continue;
            }
            // 'e' is the commonest letter: compare the next characters before calling startsWith
            jwt |= c == 'e' && s + 2 < n && t.charAt(s + 1) == 'y' && t.charAt(s + 2) == 'J';
            pem |= c == '-' && s + 1 < n && t.charAt(s + 1) == '-' && t.startsWith("-----BEGIN ", s);
            String[][] cands = PREFIX_BY_CHAR[c];
            if (cands == null || s + 1 >= n || (s > 0 && alnum(t.charAt(s - 1)))) {
                continue;
            }
            char second = t.charAt(s + 1);
            for (String[] p : cands) {
                if (p[0].charAt(1) != second || !t.startsWith(p[0], s)) {
                    continue;
                }
                int e = s + p[0].length();
                char alpha = p[2].charAt(0);
                while (e < n && e - s < 256 && bodyChar(t.charAt(e), alpha)) {
                    e++;
                }
                if (e - s - p[0].length() >= Integer.parseInt(p[1]) && !placeholder(t.substring(s, e))) {
                    out.add(new Finding(DataClass.SECRET, s, e, 0.95, ID));
                    s = e - 1;
                    break;
                }
            }
        }
        if (jwt) {
            jwts(t, out);
        }
        if (pem) {
            pem(t, out);
        }
    }

    private static void jwts(String t, List<Finding> out) {
        int from = 0;
        while (true) {
            int s = t.indexOf("eyJ", from);
            if (s < 0) {
                return;
            }
            int e = s;
            int dots = 0;
            int segStart = s;
            boolean shortSeg = false;
            while (e < t.length() && e - s < 16384) {
                char c = t.charAt(e);
                if (c == '.') {
                    if (e - segStart < 4) {
                        shortSeg = true;
                    }
                    dots++;
                    segStart = e + 1;
                    if (dots > 2) {
                        break;
                    }
                } else if (!bodyChar(c, 'b')) {
                    break;
                }
                e++;
            }
            if (dots == 2 && !shortSeg && e - segStart >= 8 && (s == 0 || !alnum(t.charAt(s - 1)))) {
                out.add(new Finding(DataClass.SECRET, s, e, 0.95, ID));
            }
            from = Math.max(e, s + 1);
        }
    }

    private static void pem(String t, List<Finding> out) {
        int from = 0;
        while (true) {
            int s = t.indexOf("-----BEGIN ", from);
            if (s < 0) {
                return;
            }
            int headEnd = t.indexOf("-----", s + 11);
            if (headEnd < 0 || headEnd - s > 64) {
                from = s + 1;
                continue;
            }
            String label = t.substring(s + 11, headEnd);
            if (!label.endsWith("PRIVATE KEY")) {
                from = headEnd;
                continue;
            }
            int end = t.indexOf("-----END " + label + "-----", headEnd);
            int e = end < 0 ? t.length() : end + 14 + label.length();
            out.add(new Finding(DataClass.SECRET, s, e, 0.99, ID));
            from = e;
        }
    }

    private static Map<String, Integer> ibanLengths() {
        Object[] kv = {"AD", 24, "AE", 23, "AL", 28, "AT", 20, "AZ", 28, "BA", 20, "BE", 16, "BG", 22, "BH", 22,
            "BR", 29, "BY", 28, "CH", 21, "CR", 22, "CY", 28, "CZ", 24, "DE", 22, "DK", 18, "DO", 28, "EE", 20,
            "EG", 29, "ES", 24, "FI", 18, "FO", 18, "FR", 27, "GB", 22, "GE", 22, "GI", 23, "GL", 18, "GR", 27,
            "GT", 28, "HR", 21, "HU", 28, "IE", 22, "IL", 23, "IQ", 23, "IS", 26, "IT", 27, "JO", 30, "KW", 30,
            "KZ", 20, "LB", 28, "LC", 32, "LI", 21, "LT", 20, "LU", 20, "LV", 21, "MC", 27, "MD", 24, "ME", 22,
            "MK", 19, "MR", 27, "MT", 31, "MU", 30, "NL", 18, "NO", 15, "PK", 24, "PL", 28, "PS", 29, "PT", 25,
            "QA", 29, "RO", 24, "RS", 22, "SA", 24, "SC", 31, "SE", 24, "SI", 19, "SK", 24, "SM", 27, "ST", 25,
            "SV", 28, "TL", 23, "TN", 24, "TR", 26, "UA", 29, "VA", 22, "VG", 24, "XK", 20};
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return Map.copyOf(m);
    }
}
