package dev.veil.core.detect;

import dev.veil.core.policy.DataClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Street addresses by house number and street-type vocabulary, in the two orders the world writes them:
 * number first ({@code 221B Baker Street}, {@code 12 rue de Rivoli}) and street first ({@code Calle Mayor 10},
 * {@code Hauptstraße 5}, {@code Kerkstraat 12}), extended by a unit ({@code Apt 4B}) and by
 * {@code , City[, ST] ZIP} on the same line. One pass over word tokens; look-ahead is bounded.
 */
final class AddressDetector implements Detector {
    static final String ID = "address";
    private static final int MAX_NAME_WORDS = 5;

    /** Street types written after the street name (English and abbreviations). */
    private static final WordSet TYPE_AFTER = WordSet.of("street", "st", "avenue", "ave", "av", "road", "rd",
            "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct", "place", "pl", "square", "sq", "terrace",
            "ter", "way", "parkway", "pkwy", "highway", "hwy", "circle", "cir", "crescent", "cres", "close", "grove",
            "row", "walk", "alley", "trail", "trl", "mews", "gardens", "hill", "park", "view", "green");
    /** Street types written before the street name (Romance languages; also after a number in French). */
    private static final WordSet TYPE_BEFORE = WordSet.of("rue", "avenue", "boulevard", "bd", "chemin", "allée",
            "impasse", "quai", "route", "cours", "av", "calle", "carrer", "avinguda", "rambla", "passeig", "gran", "strada", "jalan", "jl", "avenida", "avda", "paseo", "plaza", "carrera", "camino", "via",
            "viale", "piazza", "corso", "largo", "rua", "travessa", "praça", "alameda", "estrada", "ulica", "ul");
    /** Compound endings of street names (German, Dutch, Scandinavian): Hauptstraße, Kerkstraat, Storgatan. */
    private static final String[] SUFFIXES = {"straße", "strasse", "str", "straat", "laan", "weg", "gracht", "plein",
        "allee", "platz", "gasse", "damm", "ring", "gatan", "gata", "vej", "veien", "vägen", "utca"};
    private static final WordSet UNITS = WordSet.of("apt", "apartment", "suite", "ste", "unit", "flat", "floor", "fl",
            "bldg", "building", "#", "room", "rm", "bât", "bat", "bloc", "block");

    /** A word token: [start, end). */
    private record Tok(int start, int end) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void detect(String t, List<Finding> out) {
        if (!hasDigitAndCapital(t) || !numberBesideWord(t)) {
            return; // every form needs a house number beside a word, and a street or city name with a capital
        }
        List<Tok> toks = tokens(t);
        int n = toks.size();
        int i = 0;
        while (i < n) {
            int end = -1;
            int last = -1;
            Tok a = toks.get(i);
            if (blockNumber(t, a) && i + 1 < n && nameWord(t, toks.get(i + 1)) && sameLine(t, a, toks.get(i + 1))) {
                last = i + 1; // Japanese chōme-ban-gō: 7-1-21 Ebisu, Shibuya-ku
            } else if (houseNumber(t, a)) {
                // number first: 12 [name words] TYPE | 12 TYPE [de la] name words
                for (int k = i + 1; k < n && k <= i + MAX_NAME_WORDS + 1; k++) {
                    Tok x = toks.get(k);
                    if (k > i + 1 && TYPE_AFTER.contains(t, x.start(), x.end()) && allNameWords(t, toks, i + 1, k) && sameLine(t, a, toks.get(k))) {
                        last = k;
                        break;
                    }
                    if (k == i + 1 && TYPE_BEFORE.contains(t, x.start(), x.end())) {
                        last = nameAfterType(t, toks, k);
                        break;
                    }
                    if (!nameWord(t, toks.get(k))) {
                        break;
                    }
                }
            } else if (TYPE_BEFORE.contains(t, a.start(), a.end()) && capitalizedName(t, toks, i + 1)) {
                // street first: Calle Mayor 10, Via Roma 10
                int k = nameAfterType(t, toks, i);
                if (k + 2 < n && isNumberWord(lower(t, toks.get(k + 1)))) {
                    k++; // Via Nazionale n. 161
                }
                if (k + 1 < n && houseNumber(t, toks.get(k + 1)) && sameLine(t, a, toks.get(k + 1))) {
                    last = k + 1;
                }
            } else if (hasSuffix(t, a) && i + 1 < n && houseNumber(t, toks.get(i + 1)) && sameLine(t, a, toks.get(i + 1))) {
                last = i + 1; // Hauptstraße 5
            }
            if (last < 0) {
                i++;
                continue;
            }
            end = toks.get(last).end();
            if (t.charAt(end - 1) != '.' && end < t.length() && t.charAt(end) == '.' && isAbbrev(lower(t, toks.get(last)))) {
                end++;
            }
            int[] tail = tail(t, toks, last + 1, end);
            end = tail[0];
            out.add(new Finding(DataClass.STREET_ADDRESS, head(t, toks, i), end, 0.75, ID));
            i = tail[1];
        }
    }

    /**
     * Where an address starting at token {@code i} really starts: a unit written first ("Flat 25, 231 Sauchiehall
     * Street", "Bât. B, 13 place Bellecour") or a unit number before a slash ("23/394 Chapel St").
     */
    private static int head(String t, List<Tok> toks, int i) {
        Tok a = toks.get(i);
        if (i >= 1) {
            Tok p = toks.get(i - 1);
            if (p.end() + 1 == a.start() && t.charAt(p.end()) == '/' && Character.isDigit(t.charAt(p.start()))
                    && p.end() - p.start() <= 4) {
                return p.start();
            }
        }
        if (i >= 2) {
            Tok unit = toks.get(i - 2);
            Tok id = toks.get(i - 1);
            if (UNITS.contains(t, unit.start(), unit.end()) && id.end() - id.start() <= 4 && sameLine(t, unit, a) && a.start() - id.end() <= 2
                    && id.start() - unit.end() <= 2) {
                return unit.start();
            }
        }
        return a.start();
    }

    /**
     * Whether some digit run stands beside a word, a space or comma apart ("12 rue", "Mayor 10", "Paulista, 1838"):
     * timestamps, ids and amounts have none, and cost one pass.
     */
    private static boolean numberBesideWord(String t) {
        int n = t.length();
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int s = i;
            while (i < n && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '-' || t.charAt(i) == '/')) {
                i++;
            }
            if (i + 1 < n && t.charAt(i) == ' ' && Character.isLetter(t.charAt(i + 1))) {
                return true;
            }
            int b = s - 1;
            if (b >= 0 && t.charAt(b) == ' ') {
                b--;
                if (b >= 0 && t.charAt(b) == ',') {
                    b--;
                }
                if (b >= 0 && (Character.isLetter(t.charAt(b)) || t.charAt(b) == '.')) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasDigitAndCapital(String t) {
        boolean digit = false;
        boolean capital = false;
        for (int i = 0; i < t.length() && !(digit && capital); i++) {
            char c = t.charAt(i);
            digit |= c >= '0' && c <= '9';
            capital |= (c >= 'A' && c <= 'Z') || c >= 0xc0;
        }
        return digit && capital;
    }

    /**
     * Extends an address by a unit and by comma- or dash-separated parts on the same line that look like address
     * parts: a city or district ("Centro", "Kita-ku", "Rio de Janeiro"), a unit ("apto 109", "8º C"), a region code
     * ("RJ", "(GE)", "Qro."), a postal code ("20515-108", "C.P. 76238", "NW1 6XE"). Stops at the first part that is
     * not one, or at a label ("Tel:"). Returns {end, next token}.
     */
    private static int[] tail(String t, List<Tok> toks, int k, int end) {
        int n = toks.size();
        // unit: Apt 4B, Suite 200, #5
        if (k + 1 < n && UNITS.contains(t, toks.get(k).start(), toks.get(k).end()) && gapOk(t, end, toks.get(k).start())) {
            Tok num = toks.get(k + 1);
            if (Character.isLetterOrDigit(t.charAt(num.start())) && num.end() - num.start() <= 6) {
                end = num.end();
                k += 2;
            }
        }
        for (int part = 0; part < MAX_TAIL_PARTS && k < n; part++) {
            Tok first = toks.get(k);
            if (!separatedPart(t, end, first.start()) || !sameLineAt(t, end, first.start())) {
                break;
            }
            int kk = k;
            int partEnd = -1;
            int prev = first.start();
            int words = 0;
            while (kk < n && words < 5) {
                Tok x = toks.get(kk);
                if (x.start() - prev > 3 || !sameLineAt(t, prev, x.start()) || !partWord(t, x)
                        || (words > 0 && !inPart(t, prev, x.start()))) {
                    break;
                }
                partEnd = x.end();
                prev = x.end();
                kk++;
                words++;
                if (partEnd < t.length() && (t.charAt(partEnd) == ':' || t.charAt(partEnd) == '=')) {
                    partEnd = -1; // a label ("Tel:"), not a place
                    break;
                }
            }
            if (partEnd < 0 || words == 0) {
                break;
            }
            Tok lastTok = toks.get(kk - 1);
            if (partEnd < t.length() && t.charAt(partEnd) == '.' && partEnd - lastTok.start() <= 4
                    && abbreviation(t, lastTok)) {
                partEnd++; // Qro., N.L.
            } else if (partEnd < t.length() && t.charAt(partEnd) == ')' && opensBetween(t, end, partEnd)) {
                partEnd++; // (GE)
            }
            end = partEnd;
            k = kk;
        }
        return new int[] {end, Math.max(k, 1)};
    }

    private static final int MAX_TAIL_PARTS = 6;
    /** Words that start a label or another field, never an address part. */
    private static final WordSet NOT_PART = WordSet.of("tel", "tél", "phone", "email", "e-mail", "mobile", "fax", "ref",
            "iban", "dob", "ssn", "order", "invoice", "contact", "attn", "please", "thanks", "thank", "call", "mail",
            "usa", "deliver", "ship", "bill", "note", "and", "or", "the");
    /** Locality words inside address parts besides {@link #UNITS} (apto 109, Depto. 215, Col. Roma, C.P. 76238, 77 bis). */
    private static final WordSet PART_WORDS = WordSet.of("apto", "depto", "dept", "piso", "col", "c.p", "cp",
            "bis", "ter", "lot", "no", "nº", "n", "sector", "andar", "sala", "conj", "de", "da", "do", "dos", "das",
            "del", "la", "le", "di", "esc", "puerta", "pta", "planta", "etage", "étage", "ku", "shi", "cho", "machi");

    /** The text between an address and its next part: a comma, a dash, or an opening bracket, with spaces. */
    private static boolean separatedPart(String t, int from, int to) {
        if (to - from > 4 || to <= from) {
            return false;
        }
        String gap = t.substring(from, to).strip();
        return gap.equals(",") || gap.equals("-") || gap.equals("–") || gap.equals("(") || gap.equals(", (")
                || gap.isEmpty() && to - from == 1;
    }

    /** Inside one part, words are joined by spaces, dots or a dash only ("Rio de Janeiro", "Col. Roma"). */
    private static boolean inPart(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c != ' ' && c != '.' && c != '-' && c != '/') {
                return false;
            }
        }
        return true;
    }

    private static boolean partWord(String t, Tok x) {
        if (x.end() < t.length() && t.charAt(x.end()) == '@') {
            return false; // the local part of an e-mail address
        }
        String w = lower(t, x);
        if (NOT_PART.contains(w)) {
            return false;
        }
        char c = t.charAt(x.start());
        if (Character.isUpperCase(c)) {
            return true; // a place name, a region code, a UK postcode half
        }
        if (Character.isDigit(c)) {
            int len = x.end() - x.start();
            return len <= 10; // a postal code, a unit number
        }
        return PART_WORDS.contains(w) || UNITS.contains(w) || w.endsWith("º") || w.endsWith("ª");
    }

    /** A token written as an abbreviation: with a lower-case letter (Qro) or inner dots (N.L), not a postcode. */
    private static boolean abbreviation(String t, Tok k) {
        for (int i = k.start(); i < k.end(); i++) {
            char c = t.charAt(i);
            if (Character.isLowerCase(c) || c == '.') {
                return true;
            }
        }
        return false;
    }

    /** Whether an opening bracket stands in {@code [from, to)}: the part is "(GE)", not "GE)". */
    private static boolean opensBetween(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.charAt(i) == '(') {
                return true;
            }
        }
        return false;
    }

    private static boolean sameLineAt(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.charAt(i) == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean gapOk(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c != ' ' && c != ',') {
                return false;
            }
        }
        return to - from <= 3;
    }

    private static boolean isAbbrev(String w) {
        return w.length() <= 4 && (TYPE_AFTER.contains(w) || TYPE_BEFORE.contains(w));
    }

    private static int nameAfterType(String t, List<Tok> toks, int typeIndex) {
        int k = typeIndex;
        int words = 0;
        while (k + 1 < toks.size() && words < MAX_NAME_WORDS) {
            Tok next = toks.get(k + 1);
            if (!sameLine(t, toks.get(k), next) || next.start() - toks.get(k).end() > 2 || houseNumber(t, next)) {
                break;
            }
            String w = lower(t, next);
            boolean particle = w.equals("de") || w.equals("la") || w.equals("des") || w.equals("du") || w.equals("del")
                    || w.equals("della") || w.equals("do") || w.equals("da") || w.equals("dos") || w.equals("le")
                    || w.equals("los") || w.equals("las") || w.equals("di");
            if (!particle && !Character.isUpperCase(t.charAt(next.start()))) {
                break;
            }
            k++;
            words++;
        }
        return k;
    }

    private static boolean capitalizedName(String t, List<Tok> toks, int i) {
        return i < toks.size() && (Character.isUpperCase(t.charAt(toks.get(i).start()))
                || lower(t, toks.get(i)).equals("de") || lower(t, toks.get(i)).equals("del"));
    }

    private static boolean allNameWords(String t, List<Tok> toks, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!nameWord(t, toks.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** A capitalized word (Elm, O'Connell, Saint-Denis) or a numbered street (5th, 42nd). */
    private static boolean nameWord(String t, Tok k) {
        char c = t.charAt(k.start());
        if (Character.isUpperCase(c)) {
            return true;
        }
        String w = lower(t, k);
        int d = 0;
        while (d < w.length() && Character.isDigit(w.charAt(d))) {
            d++;
        }
        String rest = w.substring(d);
        return d > 0 && (rest.equals("st") || rest.equals("nd") || rest.equals("rd") || rest.equals("th"));
    }

    /** 12, 221B, 12a, 1600, 12-14 — at most 6 characters, starting with a digit, not a year-like 4 digits + text. */
    private static boolean houseNumber(String t, Tok k) {
        int len = k.end() - k.start();
        if (len > 9 || !Character.isDigit(t.charAt(k.start()))) {
            return false;
        }
        int digits = 0;
        boolean dash = false;
        for (int i = k.start(); i < k.end(); i++) {
            char c = t.charAt(i);
            if (Character.isDigit(c)) {
                digits++;
            } else if (c == '-') {
                dash = true;
            } else if (!(Character.isLetter(c) && i == k.end() - 1)) {
                return false;
            }
        }
        return digits >= 1 && (digits <= 5 || digits <= 8 && dash); // 745-2829: unit and house joined
    }

    private static boolean isNumberWord(String w) {
        return w.equals("n") || w.equals("no") || w.equals("nº") || w.equals("nr") || w.equals("num");
    }

    /** 7-1-21: three groups of one to three digits joined by dashes. */
    private static boolean blockNumber(String t, Tok k) {
        int groups = 1;
        int digits = 0;
        for (int i = k.start(); i < k.end(); i++) {
            char c = t.charAt(i);
            if (c == '-') {
                if (digits == 0 || digits > 3) {
                    return false;
                }
                groups++;
                digits = 0;
            } else if (Character.isDigit(c)) {
                digits++;
            } else {
                return false;
            }
        }
        return groups == 3 && digits >= 1 && digits <= 3;
    }

    private static boolean hasSuffix(String t, Tok k) {
        if (!Character.isUpperCase(t.charAt(k.start()))) {
            return false;
        }
        String w = lower(t, k);
        for (String s : SUFFIXES) {
            if (w.length() > s.length() + 2 && w.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameLine(String t, Tok a, Tok b) {
        return sameLineAt(t, a.end(), b.start());
    }

    private static String lower(String t, Tok k) {
        return t.substring(k.start(), k.end()).toLowerCase(Locale.ROOT);
    }

    /** Words: letters, digits and inner apostrophes, hyphens and dots (St., 12-14, O'Connell); '#' alone. */
    private static List<Tok> tokens(String t) {
        List<Tok> out = new ArrayList<>();
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (c == '#') {
                out.add(new Tok(i, i + 1));
                i++;
                continue;
            }
            if (!Character.isLetterOrDigit(c)) {
                i++;
                continue;
            }
            int s = i;
            while (i < n) {
                char d = t.charAt(i);
                if (Character.isLetterOrDigit(d)) {
                    i++;
                } else if ((d == '\'' || d == '-' || d == '.') && i + 1 < n && Character.isLetterOrDigit(t.charAt(i + 1))) {
                    i++;
                } else {
                    break;
                }
            }
            out.add(new Tok(s, i));
        }
        return out;
    }
}
