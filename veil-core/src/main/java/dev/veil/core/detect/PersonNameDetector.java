package dev.veil.core.detect;

import dev.veil.core.policy.DataClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Person names from given- and family-name dictionaries of 77 locales (see {@code names/NOTICE.md}), word shape
 * and context. Two or more name-shaped words score by what the dictionaries know of them (given then family,
 * or family then given); a single word counts only after a title or greeting ("Mr.", "Dear"); Han and Hangul
 * runs count when they start with a known family name. Words that are as often not names ("Will", "May",
 * "Jordan") never count alone. One pass over word tokens.
 */
final class PersonNameDetector implements Detector {
    static final String ID = "person-name";
    private static final int MAX_WORDS = 4;

    private static final Set<String> GIVEN = load("names/given-names.txt");
    private static final Set<String> FAMILY = load("names/family-names.txt");
    private static final Set<String> PARTICLES = Set.of("van", "der", "den", "de", "la", "le", "da", "das", "dos",
            "do", "del", "della", "di", "von", "zu", "bin", "binti", "bint", "ibn", "al", "el", "ter", "ten", "y", "e", "mac");
    private static final Set<String> TITLES = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam",
            "herr", "frau", "m", "mme", "mlle", "sr", "sra", "srta", "don", "doña", "sig", "signor", "signora", "pan",
            "pani", "hr", "fr", "dott", "ing", "mister", "monsieur", "madame", "señor", "señora", "senhor", "senhora");
    private static final Set<String> CUES = Set.of("dear", "hi", "hello", "hey", "attn", "signed", "sincerely",
            "regards", "thanks", "cheers", "from", "by", "customer", "name", "patient", "user", "contact", "cc",
            "employee", "applicant", "passenger", "guest", "tenant", "client", "member", "recipient", "sender",
            "author", "hola", "bonjour", "hallo", "ciao", "olá", "estimado", "estimada", "cher", "chère", "liebe",
            "lieber", "caro", "cara", "this", "is", "am", "called", "named", "with", "for", "and", "to", "mit", "para");
    /** Last words that make a capitalized run a place, company or thing, not a person. */
    private static final Set<String> NON_NAME_TAILS = Set.of("station", "tunnel", "bridge", "park", "street", "road",
            "avenue", "hospital", "university", "college", "school", "bank", "hotel", "airport", "river", "lake",
            "mount", "centre", "center", "square", "hall", "tower", "norte", "sur", "este", "oeste", "city", "county",
            "state", "valley", "beach", "island", "airlines", "airways", "inc", "ltd", "llc", "gmbh", "corp", "group",
            "services", "systems", "labs", "store", "shop", "cafe", "restaurant", "mall", "market", "plaza", "church",
            "museum", "library", "stadium", "arena", "theater", "theatre", "club", "os", "x", "pro", "max", "plus",
            "edition", "version", "release", "update", "api", "service", "server", "cloud", "app", "studio");
    /** Words that start sentences or label fields; never names on their own. */
    private static final Set<String> FUNCTION = Set.of("i", "my", "we", "our", "you", "your", "he", "she", "they",
            "it", "the", "a", "an", "this", "that", "please", "thanks", "thank", "hope", "sorry", "yes", "no", "ok",
            "date", "phone", "email", "order", "subject", "from", "to", "re", "fw", "fwd", "name", "address", "note",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec", "good", "morning", "afternoon", "evening", "regarding", "attached", "hereby");
    /** Honorifics written after CJK names: 朱国强先生, 田中様, 김민준씨. */
    private static final String[] CJK_HONORIFICS = {"先生", "女士", "小姐", "さん", "様", "さま", "氏", "씨", "님"};

    /** Words a greeting addresses that are not names: "Dear Customer", "Hi Team". */
    private static final Set<String> ADDRESSEES = Set.of("customer", "customers", "sir", "sirs", "madam", "team",
            "all", "everyone", "friend", "friends", "colleague", "colleagues", "user", "users", "valued", "member",
            "members", "support", "client", "clients", "there", "folks", "guys", "partner", "partners", "hiring",
            "manager", "admin", "team,", "world");
    private static final Set<String> AFTER = Set.of("wrote", "said", "says", "writes", "called", "asked", "replied");
    /** Dictionary names that are common English words: never a name on their own, nor as a pair of two of them. */
    private static final Set<String> COMMON = Set.of("will", "may", "mark", "bill", "rose", "june", "april", "august",
            "jordan", "china", "hope", "grace", "joy", "faith", "summer", "sunny", "art", "dean", "rich", "young",
            "king", "long", "white", "black", "green", "brown", "gray", "grey", "hill", "wood", "lane", "page", "case",
            "cash", "star", "sky", "rain", "river", "stone", "sun", "honey", "major", "chase", "pierce", "frank",
            "miles", "guy", "ray", "rock", "don", "max", "ben", "new", "san", "la", "paris", "london", "york",
            "street", "park", "the", "an", "and", "hong", "kong", "chance", "price", "bell", "gold", "silver", "love",
            "happy", "christmas", "easter", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "january", "february", "march", "september", "october", "november", "december", "north",
            "south", "east", "west", "visa", "card", "order", "service", "support", "team", "bank", "apple", "amazon");

    private static Set<String> load(String resource) {
        Set<String> s = new HashSet<>(40_000);
        try (InputStream in = PersonNameDetector.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing name dictionary " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    s.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(s);
    }

    /** A word: [start, end), its lower-case form, and how it is written. */
    private record Word(int start, int end, String lower, boolean capital, boolean cjk) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void detect(String t, List<Finding> out) {
        if (!mayHoldName(t)) {
            return;
        }
        List<Word> w = words(t);
        int n = w.size();
        int i = 0;
        while (i < n) {
            Word a = w.get(i);
            if (a.cjk()) {
                i = cjk(t, w, i, out);
                continue;
            }
            if (!a.capital() || (COMMON.contains(a.lower()) && !cueBefore(t, w, i) && !surnameNext(t, w, i))) {
                i++;
                continue;
            }
            int inverted = invertedName(t, w, i);
            if (inverted > i) {
                out.add(new Finding(DataClass.PERSON_NAME, a.start(), w.get(inverted).end(), 0.75, ID));
                i = inverted + 1;
                continue;
            }
            // the longest run of name-shaped words from i (particles allowed inside)
            int last = i;
            int words = 1;
            for (int k = i + 1; k < n && words < MAX_WORDS; k++) {
                Word b = w.get(k);
                if (!adjacent(t, w.get(k - 1), b)) {
                    break;
                }
                if (b.capital() && !b.cjk()) {
                    last = k;
                    words++;
                } else if (!PARTICLES.contains(b.lower())) {
                    break;
                }
            }
            double score = score(t, w, i, last);
            if (score > 0) {
                out.add(new Finding(DataClass.PERSON_NAME, a.start(), w.get(last).end(), score, ID));
                i = last + 1;
            } else {
                i++;
            }
        }
    }

    private static double score(String t, List<Word> w, int first, int last) {
        Word a = w.get(first);
        Word z = w.get(last);
        boolean cue = cueBefore(t, w, first) || cueAfter(w, last);
        boolean title = titleBefore(t, w, first);
        if (FUNCTION.contains(a.lower()) || NON_NAME_TAILS.contains(z.lower()) || allCaps(t, a) || labelAfter(t, z)) {
            return 0;
        }
        if (first == last) {
            if (a.end() - a.start() < 2) {
                return 0;
            }
            if (title) {
                return GIVEN.contains(a.lower()) || FAMILY.contains(a.lower()) ? 0.8 : 0.6;
            }
            if (greetingBefore(t, w, first) && spacesOnlyBefore(t, w, first) && nameEnds(t, a)
                    && !COMMON.contains(a.lower()) && !ADDRESSEES.contains(a.lower())) {
                return GIVEN.contains(a.lower()) || FAMILY.contains(a.lower()) ? 0.75 : 0.65;
            }
            return 0;
        }
        boolean givenFirst = GIVEN.contains(a.lower());
        boolean familyLast = FAMILY.contains(z.lower());
        boolean familyFirst = FAMILY.contains(a.lower());
        boolean givenLast = GIVEN.contains(z.lower());
        boolean commonPair = COMMON.contains(a.lower()) && COMMON.contains(z.lower());
        double s;
        if (commonPair) {
            s = 0;
        } else if ((givenFirst && familyLast) || (familyFirst && givenLast)) {
            s = 0.85;
        } else if ((givenFirst || familyLast) && !COMMON.contains(givenFirst ? z.lower() : a.lower())) {
            s = 0.6;
        } else {
            // unknown to the dictionaries: a title or a cue right before ("Bill to:", "Reporter:") is needed
            s = title || cue ? 0.6 : 0;
        }
        if (s > 0 && (cue || title)) {
            s = Math.min(0.95, s + 0.1);
        }
        return s;
    }

    /** "Mark Parker": a common word that is a given name, followed by a dictionary surname that is not. */
    private static boolean surnameNext(String t, List<Word> w, int i) {
        if (i + 1 >= w.size() || !GIVEN.contains(w.get(i).lower())) {
            return false;
        }
        Word b = w.get(i + 1);
        return b.capital() && !b.cjk() && adjacent(t, w.get(i), b) && FAMILY.contains(b.lower()) && !COMMON.contains(b.lower());
    }

    /** "Olsen, Håkon": a dictionary surname, a comma, a dictionary given name; returns the last word's index, or -1. */
    private static int invertedName(String t, List<Word> w, int i) {
        if (i + 1 >= w.size()) {
            return -1;
        }
        Word a = w.get(i);
        Word b = w.get(i + 1);
        if (!b.capital() || b.cjk() || a.end() + 2 != b.start() || t.charAt(a.end()) != ',' || t.charAt(a.end() + 1) != ' ') {
            return -1;
        }
        boolean names = FAMILY.contains(a.lower()) && GIVEN.contains(b.lower())
                && !COMMON.contains(a.lower()) && !COMMON.contains(b.lower())
                && !FUNCTION.contains(a.lower()) && !FUNCTION.contains(b.lower());
        return names ? i + 1 : -1;
    }

    /** Han or Hangul runs: a known family name followed by one to three characters, or family + space + given. */
    private static int cjk(String t, List<Word> w, int i, List<Finding> out) {
        Word a = w.get(i);
        String s = a.lower();
        int aEnd = a.end();
        for (String h : CJK_HONORIFICS) {
            if (s.length() > h.length() + 1 && s.endsWith(h)) {
                s = s.substring(0, s.length() - h.length());
                aEnd -= h.length();
                break;
            }
        }
        int len = s.length();
        boolean fam1 = len >= 2 && FAMILY.contains(s.substring(0, 1));
        boolean fam2 = len >= 3 && FAMILY.contains(s.substring(0, 2));
        if (i + 1 < w.size() && w.get(i + 1).cjk() && FAMILY.contains(s) && GIVEN.contains(w.get(i + 1).lower())
                && w.get(i + 1).start() - a.end() == 1) {
            out.add(new Finding(DataClass.PERSON_NAME, a.start(), w.get(i + 1).end(), 0.85, ID));
            return i + 2;
        }
        if (len >= 2 && len <= 4 && (fam1 || fam2)) {
            String rest = fam2 ? s.substring(2) : s.substring(1);
            out.add(new Finding(DataClass.PERSON_NAME, a.start(), aEnd, GIVEN.contains(rest) ? 0.85 : 0.6, ID));
        }
        return i + 1;
    }

    private static boolean adjacent(String t, Word a, Word b) {
        int gap = b.start() - a.end();
        if (gap < 1 || gap > 2) {
            return false;
        }
        for (int k = a.end(); k < b.start(); k++) {
            char c = t.charAt(k);
            if (c != ' ' && !(c == '.' && a.end() - a.start() == 1)) {
                return false; // only spaces, or the dot of an initial (J. R. R. Tolkien)
            }
        }
        return true;
    }

    private static boolean titleBefore(String t, List<Word> w, int i) {
        if (i == 0) {
            return false;
        }
        Word p = w.get(i - 1);
        if (!TITLES.contains(p.lower()) || w.get(i).start() - p.end() > 2) {
            return false;
        }
        // short titles (M, Fr, Hr, Sr) count only with their dot: "Fr. Müller", not "fr>" in a header
        return p.end() - p.start() > 3 || (p.end() < t.length() && t.charAt(p.end()) == '.');
    }

    private static boolean allCaps(String t, Word a) {
        if (a.end() - a.start() < 2 || a.cjk()) {
            return false;
        }
        for (int i = a.start(); i < a.end(); i++) {
            if (Character.isLowerCase(t.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A field label, not a name: the word is directly followed by a colon ("Date:", "Phone:"). */
    private static boolean labelAfter(String t, Word z) {
        return z.end() < t.length() && t.charAt(z.end()) == ':';
    }

    private static boolean spacesOnlyBefore(String t, List<Word> w, int i) {
        for (int k = w.get(i - 1).end(); k < w.get(i).start(); k++) {
            if (t.charAt(k) != ' ') {
                return false;
            }
        }
        return true;
    }

    /** A name standing alone ends a greeting: "Dear Olusegun," / "Hi Ana!" / end of line. */
    private static boolean nameEnds(String t, Word a) {
        if (a.end() >= t.length()) {
            return true;
        }
        char c = t.charAt(a.end());
        return c == ',' || c == '!' || c == '\n' || c == '.' || c == ';';
    }

    private static boolean greetingBefore(String t, List<Word> w, int i) {
        if (i == 0) {
            return false;
        }
        String p = w.get(i - 1).lower();
        return p.equals("dear") || p.equals("hi") || p.equals("hello") || p.equals("hey") || p.equals("hola")
                || p.equals("bonjour") || p.equals("hallo") || p.equals("ciao") || p.equals("olá") || p.equals("cher")
                || p.equals("chère") || p.equals("liebe") || p.equals("lieber") || p.equals("estimado")
                || p.equals("estimada") || p.equals("caro") || p.equals("cara") || p.equals("regards")
                || p.equals("sincerely") || p.equals("signed") || p.equals("cheers") || p.equals("thanks");
    }

    private static boolean cueBefore(String t, List<Word> w, int i) {
        return i > 0 && (CUES.contains(w.get(i - 1).lower()) || TITLES.contains(w.get(i - 1).lower()))
                && w.get(i).start() - w.get(i - 1).end() <= 3;
    }

    private static boolean cueAfter(List<Word> w, int last) {
        return last + 1 < w.size() && AFTER.contains(w.get(last + 1).lower());
    }

    /** A name needs a capital letter, or a letter of a script without case (all of which are above ASCII). */
    private static boolean mayHoldName(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0xc0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCjk(int cp) {
        if (cp < 0x2e80) {
            return false;
        }
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HANGUL
                || s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA;
    }

    /** Words of letters (and combining marks), with inner apostrophes and hyphens; CJK runs are their own words. */
    private static List<Word> words(String t) {
        List<Word> out = new ArrayList<>();
        int n = t.length();
        int i = 0;
        while (i < n) {
            char ch = t.charAt(i);
            if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
                i++;
                continue;
            }
            int cp = t.codePointAt(i);
            if (!Character.isLetter(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            boolean cjk = isCjk(cp);
            int s = i;
            while (i < n) {
                char q = t.charAt(i);
                if ((q >= 'a' && q <= 'z') || (q >= 'A' && q <= 'Z')) {
                    if (cjk) {
                        break;
                    }
                    i++;
                    continue;
                }
                int c = t.codePointAt(i);
                int type = Character.getType(c);
                boolean letter = Character.isLetter(c) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
                if (letter && isCjk(c) == cjk) {
                    i += Character.charCount(c);
                } else if (!cjk && (c == '\'' || c == '’' || c == '-') && i + 1 < n && Character.isLetter(t.codePointAt(i + 1))) {
                    i++;
                } else {
                    break;
                }
            }
            int first = t.codePointAt(s);
            boolean capital = Character.isUpperCase(first) || Character.isTitleCase(first)
                    || (!cjk && !Character.isLowerCase(first) && !Character.isUpperCase(first)); // uncased scripts
            // lower case only where a dictionary or word list will be asked: capitalized, CJK, or short words
            String lower = capital || cjk || i - s <= 6 ? t.substring(s, i).toLowerCase(Locale.ROOT) : "";
            out.add(new Word(s, i, lower, capital, cjk));
        }
        return out;
    }
}
