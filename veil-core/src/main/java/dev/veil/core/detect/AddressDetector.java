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
            "row", "walk", "alley", "trail", "trl", "mews", "gardens", "hill", "park", "view", "green", "mall");
    /** Street types written before the street name (Romance languages; also after a number in French). */
    private static final WordSet TYPE_BEFORE = WordSet.of("rue", "avenue", "boulevard", "bd", "chemin", "allée",
            "impasse", "quai", "route", "cours", "av", "place", "calle", "carrer", "avinguda", "rambla", "passeig", "gran", "strada", "jalan", "jl", "avenida", "avda", "paseo", "plaza", "carrera", "camino", "via",
            "viale", "piazza", "corso", "largo", "rua", "calzada", "calz", "travessa", "praça", "alameda", "estrada", "ulica", "ul");
    /** Compound endings of street names (German, Dutch, Scandinavian): Hauptstraße, Kerkstraat, Storgatan. */
    private static final String[] SUFFIXES = {"straße", "strasse", "str", "straat", "laan", "weg", "gracht", "plein",
        "allee", "platz", "gasse", "damm", "ring", "gatan", "gata", "vej", "veien", "vägen", "utca", "singel", "kade",
        "dijk", "markt", "steeg", "dreef"};
    /** The same street types written as a word of their own, after the name and before the number: Breite Straße 5. */
    private static final WordSet TYPE_MIDDLE = WordSet.of(SUFFIXES);
    /** Lower-case words inside street names (Romance languages): Rue de la Paix, Via della Spiga, Rua das Flores. */
    private static final WordSet PARTICLES = WordSet.of("de", "la", "des", "du", "del", "della", "dei", "degli",
            "delle", "do", "da", "das", "dos", "le", "les", "los", "las", "di", "d'");
    /** Month names, which stand before a day as a street name stands before its number: May 19, 2022. */
    private static final WordSet MONTHS = WordSet.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember",
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
            "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
            "octubre", "noviembre", "diciembre", "januari", "februari", "maart", "mei", "augustus");
    /** Words after which an address may follow in prose: "ship it to 160 Briggate, …", "my address is …". */
    private static final WordSet LEADS = WordSet.of("to", "at", "address", "addr", "is", "home", "in", "from", "adres",
            "adresse", "dirección", "endereço", "indirizzo", "anschrift");
    /** Units that can open an address with no house number before the locality: Flat 4D, Andheri West, … */
    private static final WordSet OPENING_UNITS = WordSet.of("flat", "apt", "apartment");
    /** Words that extend a house number (French, Italian): 77 bis, 12 ter. */
    private static final WordSet NUMBER_EXTENSIONS = WordSet.of("bis", "ter", "quater");
    private static final WordSet UNITS = WordSet.of("apt", "apartment", "suite", "ste", "unit", "flat", "floor", "fl",
            "bldg", "building", "#", "room", "rm", "bât", "bat", "bloc", "block", "appartement", "appt", "wohnung",
            "whg");

    /**
     * Labels an address follows in forms, letters and messages, in lower case; the value after the label's colon
     * is the address whatever its script or country's order ("Адрес: ул. Профсоюзная, д. 56, кв. 118, Москва",
     * "住所：大阪府大阪市北区梅田1-3-1"). A label is matched as the end of the words before a colon, so compound labels
     * ("Shipping address:", "мешкаю за адресою:") need no entry of their own.
     */
    private static final String[] ADDRESS_LABELS = {"address", "addr", "adresse", "anschrift", "wohnadresse",
        "dirección", "direccion", "domicilio", "endereço", "endereco", "morada", "indirizzo", "residenza", "adres",
        "adress", "adresa", "osoite", "cím", "bydliště", "bydliste", "адрес", "адреса",
        "адресою", "διεύθυνση", "العنوان", "عنوان", "כתובת", "آدرس", "पता", "முகவரி", "住所", "地址", "주소",
        "địa chỉ", "địa chỉ giao", "địa chỉ hiện tại", "ที่อยู่", "alamat", "anwani", "tirahan", "wohnort",
        "lieu de résidence"};
    /** Phrases an address follows in prose, with no colon: "resident of Flat 402, …", "vivimos en Jr. …". */
    private static final String[] PHRASE_LABELS = {"resident of", "residing at", "living at", "lives at",
        "I live at", "we live at", "vivimos en", "vivo en", "moro na", "moro em", "j'habite au", "mieszkam",
        "проживаю"};
    /** The phrases as they open a sentence: "Resident of …", "Vivimos en …". */
    private static final String[] PHRASE_CAPITALIZED = java.util.Arrays.stream(PHRASE_LABELS)
            .map(p -> Character.toUpperCase(p.charAt(0)) + p.substring(1)).filter(p -> !p.equals("I live at"))
            .toArray(String[]::new);
    /** Words before "address" that make it no postal one: "IP address:", "e-mail address:", "wallet address:". */
    private static final WordSet NOT_POSTAL = WordSet.of("ip", "mac", "email", "e-mail", "mail", "wallet",
            "server", "web", "bitcoin", "btc", "eth", "memory", "hardware", "remote", "local", "bind", "listen",
            "proxy", "gateway", "broadcast", "network", "host", "contract", "ipv4", "ipv6", "return", "reply");
    private static final int LABELED_MAX = 160;

    /**
     * The value after an address label: from the label's colon to the end of its line, a field separator, the
     * next label or the end of a sentence. It must hold a digit (a house or postal number) and a letter, and be
     * no e-mail, URL or IP address. A value the street rules already found in part is left to them: they know
     * where a street they read ends, and a label's value may run on into the next field.
     */
    private static void labeled(String t, List<Finding> out, int found) {
        int n = t.length();
        // labels with a colon are looked for at the text's colons, so a value with none costs one pass
        for (int c = 0; c < n; c++) {
            char ch = t.charAt(c);
            if (ch != ':' && ch != '：') {
                continue;
            }
            int end = c;
            while (end > 0 && t.charAt(end - 1) == ' ') {
                end--;
            }
            if (end == 0 || !Character.isLetter(t.charAt(end - 1))) {
                continue; // a time's or a port's colon: 12:30, :8080
            }
            for (String label : ADDRESS_LABELS) {
                int at = end - label.length();
                if (at >= 0 && t.regionMatches(true, at, label, 0, label.length())) {
                    c = Math.max(c, emit(t, out, found, at, end) - 1);
                    break;
                }
            }
        }
        if (n < 30) {
            return; // a phrase that leads to an address needs a sentence
        }
        // a plain search, so prose without the phrases costs little
        phrases(t, out, found, PHRASE_LABELS);
        phrases(t, out, found, PHRASE_CAPITALIZED);
    }

    private static void phrases(String t, List<Finding> out, int found, String[] labels) {
        for (String label : labels) {
            for (int at = t.indexOf(label); at >= 0; at = t.indexOf(label, at + label.length())) {
                emit(t, out, found, at, at + label.length());
            }
        }
    }

    /**
     * Adds the value after the label at {@code [at, end)} when it reads as an address; returns where it ends. A
     * label word is only looked for before a colon ("the address we have" is prose); a phrase needs none.
     */
    private static int emit(String t, List<Finding> out, int found, int at, int end) {
        int v = valueStart(t, at, end);
        if (v < 0) {
            return end;
        }
        int e = valueEnd(t, v);
        if (e > v && postalValue(t, v, e) && !overlaps(out, found, v, e)) {
            out.add(new Finding(DataClass.STREET_ADDRESS, v, e, 0.7, ID));
            return e;
        }
        return end;
    }

    private static boolean overlaps(List<Finding> out, int from, int s, int e) {
        for (int i = from; i < out.size(); i++) {
            if (out.get(i).start() < e && s < out.get(i).end()) {
                return true;
            }
        }
        return false;
    }

    /** Where the value after a label at {@code [at, end)} starts, or -1 when it is no label there. */
    private static int valueStart(String t, int at, int end) {
        int n = t.length();
        if ((at > 0 && (Character.isLetter(t.charAt(at - 1)) || t.charAt(at - 1) == '_' || t.charAt(at - 1) == '.'
                || t.charAt(at - 1) == '-')) || (end < n && (Character.isLetter(t.charAt(end)) || t.charAt(end) == '_'))) {
            return -1; // inside a word or a key: "addressed", "remote_addr", "client.address"
        }
        // the word before "address": "IP address", "e-mail address"
        int p = at;
        while (p > 0 && t.charAt(p - 1) == ' ') {
            p--;
        }
        int q = p;
        while (q > 0 && (Character.isLetter(t.charAt(q - 1)) || t.charAt(q - 1) == '-')) {
            q--;
        }
        if (q < p && NOT_POSTAL.contains(t, q, p)) {
            return -1;
        }
        int v = end;
        while (v < n && t.charAt(v) == ' ') {
            v++;
        }
        if (v < n && (t.charAt(v) == ':' || t.charAt(v) == '：')) {
            v++;
        }
        while (v < n && (t.charAt(v) == ' ' || t.charAt(v) == '"' || t.charAt(v) == '\t')) {
            v++;
        }
        return v < n && t.charAt(v) != '\n' ? v : -1;
    }

    /**
     * The end of a labeled value: a line break, a field separator, the next "Label:" or a full stop that ends a
     * sentence (not an abbreviation's: "ул.", "Jr.", "No.", "TP.").
     */
    private static int valueEnd(String t, int v) {
        int n = t.length();
        int limit = Math.min(n, v + LABELED_MAX);
        int e = v;
        while (e < limit) {
            char c = t.charAt(e);
            if (c == '\n' || c == '\r' || c == ';' || c == '|' || c == '\t' || c == '。' || c == '।' || c == '"'
                    || c == '（' || c == '(' || (c == '—' && e > v && t.charAt(e - 1) == ' ')) {
                break;
            }
            if (c == '.' && (e + 1 >= n || t.charAt(e + 1) == ' ' || t.charAt(e + 1) == '\n') && sentenceEnd(t, v, e)) {
                break;
            }
            if (c == ':' && e + 1 < n && t.charAt(e + 1) == ' ' && !numberLabel(t, v, e)) {
                // the next field's label: cut back to the word before the colon
                int k = e;
                while (k > v && Character.isLetter(t.charAt(k - 1))) {
                    k--;
                }
                e = k;
                break;
            }
            e++;
        }
        while (e > v && (t.charAt(e - 1) == ' ' || t.charAt(e - 1) == ',' || t.charAt(e - 1) == '.'
                || t.charAt(e - 1) == '、' || t.charAt(e - 1) == '،')) {
            e--;
        }
        return e;
    }

    /** Whether the full stop at {@code dot} ends a sentence: after a number or a word of four or more letters. */
    private static boolean sentenceEnd(String t, int v, int dot) {
        int k = dot;
        while (k > v && Character.isLetter(t.charAt(k - 1))) {
            k--;
        }
        int letters = dot - k;
        return letters == 0 ? dot > v && Character.isDigit(t.charAt(dot - 1)) : letters >= 4;
    }

    /** "No:" and "Nr:" inside an address number a house ("Atatürk Bulvarı No: 102/5"): no new label. */
    private static boolean numberLabel(String t, int v, int colon) {
        int k = colon;
        while (k > v && Character.isLetter(t.charAt(k - 1))) {
            k--;
        }
        int len = colon - k;
        return len == 1 ? (t.charAt(k) | 0x20) == 'n'
                : len == 2 && t.regionMatches(true, k, "no", 0, 2) || len == 2 && t.regionMatches(true, k, "nr", 0, 2);
    }

    /**
     * A postal address has a digit and two words (a street or place and more), no '@' and no "://": not an amount
     * ("2550.11 EUR"), a version or an IP address.
     */
    private static boolean postalValue(String t, int v, int e) {
        if (e - v < 8) {
            return false;
        }
        boolean digit = false;
        int words = 0;
        int run = 0;
        for (int i = v; i < e; i++) {
            char c = t.charAt(i);
            if (c == '@' || (c == ':' && i + 2 < e && t.charAt(i + 1) == '/' && t.charAt(i + 2) == '/')) {
                return false;
            }
            digit |= Character.isDigit(c);
            if (Character.isLetter(c)) {
                run++;
            } else {
                words += run >= 2 || (run == 1 && Character.isIdeographic(t.charAt(i - 1))) ? 1 : 0;
                run = 0;
            }
        }
        words += run >= 2 ? 1 : 0;
        return digit && (words >= 2 || (words >= 1 && Character.isIdeographic(t.charAt(v))));
    }

    /** A word token: [start, end). */
    private record Tok(int start, int end) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void detect(String t, List<Finding> out) {
        int first = out.size();
        streets(t, out);
        labeled(t, out, first);
    }

    private void streets(String t, List<Finding> out) {
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
                last = numberFirst(t, toks, i);
            } else if (TYPE_BEFORE.contains(t, a.start(), a.end())
                    && (capitalizedName(t, toks, i + 1) || dateName(t, toks, i + 1))) {
                // street first: Calle Mayor 10, Via Roma 10
                int k = nameAfterType(t, toks, i);
                if (k + 2 < n && numberWord(t, toks.get(k + 1))) {
                    k++; // Via Nazionale n. 161
                }
                if (k + 1 < n && houseNumber(t, toks.get(k + 1)) && sameLine(t, a, toks.get(k + 1))) {
                    last = k + 1;
                }
            } else if (i + 1 < n && houseNumber(t, toks.get(i + 1)) && hasSuffix(t, a) && sameLine(t, a, toks.get(i + 1))) {
                last = i + 1; // Hauptstraße 5
            }
            if (last < 0 && Character.isUpperCase(t.charAt(a.start()))) {
                last = middleType(t, toks, i); // Breite Straße 160, Am Markt 102
            }
            if (last < 0) {
                last = postalStreet(t, toks, i);
            }
            if (last < 0) {
                i++;
                continue;
            }
            end = toks.get(last).end();
            if (t.charAt(end - 1) != '.' && end < t.length() && t.charAt(end) == '.' && isAbbrev(lower(t, toks.get(last)))) {
                end++;
            }
            if (last + 1 < n && end < t.length() && t.charAt(end) == '/' && toks.get(last + 1).start() == end + 1
                    && toks.get(last + 1).end() - end <= 4 && Character.isDigit(t.charAt(end - 1))) {
                last++; // the house number's part: Via Roma 49/A, 103/B
                end = toks.get(last).end();
            }
            int[] tail = tail(t, toks, last + 1, end);
            end = tail[0];
            out.add(new Finding(DataClass.STREET_ADDRESS, head(t, toks, i), end, 0.75, ID));
            i = tail[1];
        }
    }

    /**
     * The last token of a street that starts with the house number at {@code i}, or -1: "12 [name words] TYPE",
     * "12 TYPE [de la] name words" (a type needs a name: "3 rue" alone is not an address), "77 bis …" (the
     * extension belongs to the number). A number-first street with no type word is {@link #postalStreet}'s.
     */
    private static int numberFirst(String t, List<Tok> toks, int i) {
        int n = toks.size();
        Tok a = toks.get(i);
        int s0 = i + 1;
        if (s0 < n && NUMBER_EXTENSIONS.contains(t, toks.get(s0).start(), toks.get(s0).end()) && sameLine(t, a, toks.get(s0))) {
            s0++;
        }
        if (s0 >= n) {
            return -1;
        }
        String gap = t.substring(toks.get(s0 - 1).end(), toks.get(s0).start());
        if (!gap.equals(" ") && !gap.equals(", ")) {
            return -1; // "in 1967. Endereço: Av. …": a sentence ends after the number
        }
        for (int k = s0; k < n && k <= s0 + MAX_NAME_WORDS; k++) {
            Tok x = toks.get(k);
            if (k > s0 && !inName(t, toks.get(k - 1).end(), x.start())) {
                break;
            }
            if (k > s0 && TYPE_AFTER.contains(t, x.start(), x.end()) && allNameWords(t, toks, s0, k) && sameLine(t, a, x)) {
                return k;
            }
            if (k == s0 && TYPE_BEFORE.contains(t, x.start(), x.end()) && sameLine(t, a, x)) {
                int named = nameAfterType(t, toks, k);
                return named > k ? named : -1;
            }
            if (!nameWord(t, x)) {
                break;
            }
        }
        return -1;
    }

    /** A block letter and a flat number: C-86, D-293. */
    private static boolean blockFlat(String t, Tok x) {
        int len = x.end() - x.start();
        if (len < 3 || len > 6 || !Character.isUpperCase(t.charAt(x.start())) || t.charAt(x.start() + 1) != '-') {
            return false;
        }
        for (int k = x.start() + 2; k < x.end(); k++) {
            if (!Character.isDigit(t.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** One to three letters fill {@code t[from, to)}. */
    private static boolean lettersTo(String t, int from, int to) {
        if (to - from < 1 || to - from > 3) {
            return false;
        }
        for (int p = from; p < to; p++) {
            if (!Character.isLetter(t.charAt(p))) {
                return false;
            }
        }
        return true;
    }

    /** A dot inside the token (looked for in the token only: this runs for every part word). */
    private static boolean hasDot(String t, Tok x) {
        for (int p = x.start(); p < x.end(); p++) {
            if (t.charAt(p) == '.') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDigit(String t, Tok x) {
        for (int p = x.start(); p < x.end(); p++) {
            if (Character.isDigit(t.charAt(p))) {
                return true;
            }
        }
        return false;
    }

    private static boolean year(String t, Tok a) {
        if (a.end() - a.start() != 4) {
            return false;
        }
        for (int p = a.start(); p < a.end(); p++) {
            if (!Character.isDigit(t.charAt(p))) {
                return false;
            }
        }
        int y = Integer.parseInt(t, a.start(), a.end(), 10);
        return y >= 1900 && y <= 2099;
    }

    /**
     * A street with no type word, vouched for by the postal code that follows it, on its line or at the start of
     * the next: "12 Kingsway, Glasgow G1 8QT", "Damrak 86, 5617 XL Eindhoven", "Lange Voorhout 31⏎1065 GT
     * Amsterdam", "Flat 4D, Andheri West, Chennai - 600102". Returns the street's last token, or -1.
     */
    private static int postalStreet(String t, List<Tok> toks, int i) {
        int n = toks.size();
        Tok a = toks.get(i);
        int last = -1;
        if (houseNumber(t, a) && !year(t, a)) {
            last = capitalizedRun(t, toks, i + 1, true); // 12 Kingsway
        } else if ((OPENING_UNITS.contains(t, a.start(), a.end()) || numberWord(t, a)) && i + 2 < n
                && unitId(t, toks.get(i + 1)) && sameLine(t, a, toks.get(i + 1)) && t.charAt(toks.get(i + 1).end()) == ',') {
            last = i + 1; // Flat 4D, No. 122,
        } else if (blockFlat(t, a) && i + 1 < n && t.charAt(a.end()) == ',') {
            last = i; // C-86,
        } else if (Character.isUpperCase(t.charAt(a.start())) && !hasDigit(t, a)) {
            int words = capitalizedRun(t, toks, i, false);
            if (words >= 0 && words + 1 < n && houseNumber(t, toks.get(words + 1))
                    && toks.get(words + 1).start() - toks.get(words).end() == 1 && sameLine(t, a, toks.get(words + 1))) {
                last = words + 1; // Damrak 86
            }
        }
        if (last < 0 || last + 1 >= n) {
            return -1;
        }
        int end = toks.get(last).end();
        Tok next = toks.get(last + 1);
        if (!sameLineAt(t, end, next.start())) {
            // the next line: only for a street line of its own, followed by the postal code's line
            int e = end;
            while (e < t.length() && (t.charAt(e) == ' ' || t.charAt(e) == ',' || t.charAt(e) == '\r')) {
                e++;
            }
            return lineStart(t, a.start()) && e < t.length() && t.charAt(e) == '\n'
                    && postalLine(t, toks, last + 1, e + 1) ? last : -1;
        }
        if (!separatedPart(t, end, next.start()) || t.charAt(end) != ',' || !addressStart(t, a.start())) {
            return -1;
        }
        int[] tail = tail(t, toks, last + 1, end);
        boolean postal = false;
        boolean place = false; // a town or region beside the code: "December 8, 2022" has a code-shaped year only
        for (int k = last + 1; k < n && toks.get(k).end() <= tail[0]; k++) {
            Tok x = toks.get(k);
            postal |= postalCode(t, x) || (k + 1 < n && toks.get(k + 1).end() <= tail[0] && ukPostcode(t, x, toks.get(k + 1)));
            place |= Character.isUpperCase(t.charAt(x.start())) && !hasDigit(t, x);
        }
        return postal && place ? last : -1;
    }

    /**
     * Whether an address may start at {@code p}: at a line start, after a label mark or a quote ({@code :}, {@code =},
     * {@code "}, a tab, {@code |}, {@code ;}, {@code —}, {@code •}, {@code (}), or after a word that leads to a place
     * ("to", "at", "address", "is"). "We shipped 12 Boxes, 4500 Units" and "Version 2 Beta, 2023 Edition" start
     * mid-sentence after other words.
     */
    private static boolean addressStart(String t, int p) {
        int q = p - 1;
        while (q >= 0 && t.charAt(q) == ' ') {
            q--;
        }
        if (q < 0) {
            return true;
        }
        char c = t.charAt(q);
        if ("\n:=\"'\t|;—–•(>,".indexOf(c) >= 0) {
            return true;
        }
        int e = q + 1;
        while (q >= 0 && Character.isLetter(t.charAt(q))) {
            q--;
        }
        return q + 1 < e && LEADS.contains(t, q + 1, e);
    }

    /**
     * The last of one to three capitalized words from {@code k}, joined by single spaces (and to the token before
     * when {@code afterNumber}); or -1.
     */
    private static int capitalizedRun(String t, List<Tok> toks, int k, boolean afterNumber) {
        int last = -1;
        for (int j = k; j < toks.size() && j < k + 3; j++) {
            Tok x = toks.get(j);
            if (!Character.isUpperCase(t.charAt(x.start())) || hasDigit(t, x) || MONTHS.contains(t, x.start(), x.end())
                    || (j > 0 && (j > k || afterNumber) && (x.start() - toks.get(j - 1).end() != 1 || t.charAt(x.start() - 1) != ' '))) {
                break;
            }
            last = j;
        }
        return last;
    }

    /** A flat or apartment id: one to four characters with a digit (4D, 12, 3B). */
    private static boolean unitId(String t, Tok x) {
        return x.end() - x.start() <= 4 && hasDigit(t, x);
    }

    private static boolean lineStart(String t, int p) {
        for (int q = p - 1; q >= 0; q--) {
            char c = t.charAt(q);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the line starting at {@code from} (tokens from {@code k}) begins with a capital or a digit and holds a
     * postal code: four to six digits, ZIP+4 or CEP (94122-4773, 90942-897), Dutch 3547BJ, or a UK postcode pair.
     */
    private static boolean postalLine(String t, List<Tok> toks, int k, int from) {
        if (k >= toks.size() || !lineStart(t, toks.get(k).start())) {
            return false;
        }
        char c = t.charAt(toks.get(k).start());
        if (!Character.isUpperCase(c) && !Character.isDigit(c)) {
            return false;
        }
        for (int j = k; j < toks.size() && sameLineAt(t, from, toks.get(j).start()); j++) {
            Tok x = toks.get(j);
            if (postalCode(t, x) || (j + 1 < toks.size() && ukPostcode(t, x, toks.get(j + 1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean postalCode(String t, Tok x) {
        int digits = 0;
        int dash = -1;
        int letters = 0;
        for (int p = x.start(); p < x.end(); p++) {
            char c = t.charAt(p);
            if (c >= '0' && c <= '9') {
                if (letters > 0) {
                    return false;
                }
                digits++;
            } else if (c == '-' && dash < 0 && digits > 0) {
                dash = digits;
            } else if (c >= 'A' && c <= 'Z' && digits == 4 && dash < 0) {
                letters++;
            } else {
                return false;
            }
        }
        if (letters > 0) {
            return letters == 2; // 3547BJ
        }
        return dash < 0 ? digits >= 4 && digits <= 6 : dash == 5 && digits >= 8 && digits <= 9;
    }

    /** CF10 3LF, SW1A 1AA, BN2 6BP: an outward code (letters then a digit) and an inward code (digit, two letters). */
    private static boolean ukPostcode(String t, Tok out, Tok in) {
        int ol = out.end() - out.start();
        if (ol < 2 || ol > 4 || in.end() - in.start() != 3 || in.start() - out.end() != 1
                || !Character.isUpperCase(t.charAt(out.start())) || !Character.isDigit(t.charAt(in.start()))) {
            return false;
        }
        boolean digit = false;
        for (int p = out.start(); p < out.end(); p++) {
            char c = t.charAt(p);
            digit |= c >= '0' && c <= '9';
            if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return digit && Character.isUpperCase(t.charAt(in.start() + 1)) && Character.isUpperCase(t.charAt(in.start() + 2));
    }

    /**
     * A street whose type is a word of its own between the name and the number (German, Dutch, Scandinavian): one
     * or two capitalized words, then the type, then the house number, all on one line. Returns the number's token.
     */
    private static int middleType(String t, List<Tok> toks, int i) {
        Tok a = toks.get(i);
        for (int k = i + 1; k < toks.size() - 1 && k <= i + 2; k++) {
            Tok x = toks.get(k);
            if (!sameLine(t, a, x) || x.start() - toks.get(k - 1).end() > 1) {
                return -1;
            }
            if (TYPE_MIDDLE.contains(t, x.start(), x.end()) && Character.isUpperCase(t.charAt(x.start()))) {
                Tok num = toks.get(k + 1);
                return houseNumber(t, num) && sameLine(t, x, num) && num.start() - x.end() == 1 ? k + 1 : -1;
            }
            if (!Character.isUpperCase(t.charAt(x.start()))) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Where an address starting at token {@code i} really starts: a unit written first ("Flat 25, 231 Sauchiehall
     * Street", "Bât. B, 13 place Bellecour") or a unit number before a slash ("23/394 Chapel St").
     */
    private static int head(String t, List<Tok> toks, int i) {
        Tok a = toks.get(i);
        if (i >= 2 && hasSuffix(t, a)) {
            // a compound street named after a person: Witte de Withstraat, Van der Hoopstraat
            Tok particle = toks.get(i - 1);
            Tok name = toks.get(i - 2);
            if (PARTICLES.contains(t, particle.start(), particle.end()) && particle.end() + 1 == a.start()
                    && name.end() + 1 == particle.start() && Character.isUpperCase(t.charAt(name.start()))
                    && t.charAt(particle.end()) == ' ' && t.charAt(name.end()) == ' ') {
                return name.start();
            }
        }
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
        return opening(t, toks, i);
    }

    /**
     * The part an address may open with before its street, on the same line: a house-number word ("H.No. 13-4-990,
     * Linking Road"), and before a comma a unit ("No. 15,", "Appartement 44,", "D-293,") or a named building with
     * its number ("Sakura Heights 763,", "Maison Aoyama 130,").
     */
    private static int opening(String t, List<Tok> toks, int i) {
        Tok a = toks.get(i);
        if (i < 1) {
            return a.start();
        }
        Tok p = toks.get(i - 1);
        String gap = t.substring(p.end(), a.start());
        if ((gap.equals(". ") || gap.equals(" ")) && numberWord(t, p)) {
            return p.start();
        }
        if (!gap.equals(", ") || !hasDigit(t, p) || p.end() - p.start() > 9) {
            return a.start();
        }
        if (blockFlat(t, p)) {
            return p.start(); // a block and flat: D-293, A-202
        }
        if (i < 2 || !Character.isDigit(t.charAt(p.start())) || !sameLine(t, toks.get(i - 2), a)
                || p.start() - toks.get(i - 2).end() > 2) {
            return a.start();
        }
        Tok u = toks.get(i - 2);
        if (UNITS.contains(t, u.start(), u.end()) || numberWord(t, u)) {
            return u.start();
        }
        // a building: one or two capitalized words, alone at the start of a line, a label or a sentence part
        int first = i - 2;
        if (first >= 1 && toks.get(first - 1).end() + 1 == toks.get(first).start()
                && nameWord(t, toks.get(first - 1)) && sameLine(t, toks.get(first - 1), a)) {
            first--;
        }
        for (int k = first; k <= i - 2; k++) {
            Tok x = toks.get(k);
            if (!Character.isUpperCase(t.charAt(x.start())) || NOT_PART.contains(t, x.start(), x.end())
                    || MONTHS.contains(t, x.start(), x.end())) {
                return a.start();
            }
        }
        int s = toks.get(first).start();
        int b = s - 1;
        while (b >= 0 && t.charAt(b) == ' ') {
            b--;
        }
        return b < 0 || "\n:,\t|\"—".indexOf(t.charAt(b)) >= 0 ? s : a.start();
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
            "del", "la", "le", "di", "esc", "puerta", "pta", "planta", "etage", "étage", "ku", "shi", "cho", "machi",
            "am", "im", "sur", "upon");

    /** The text between an address and its next part: a comma, a dash, or an opening bracket, with spaces. */
    private static boolean separatedPart(String t, int from, int to) {
        if (to - from > 4 || to <= from) {
            return false;
        }
        String gap = t.substring(from, to).strip();
        if (t.charAt(to - 1) == ',') {
            return false; // a comma with no space after it separates cells of a CSV row, not parts of one address
        }
        if (to - from == 1 && t.charAt(from) == '/') {
            // a city and its state: Recife/PE, Salvador/BA
            return to + 2 <= t.length() && Character.isUpperCase(t.charAt(to)) && Character.isUpperCase(t.charAt(to + 1))
                    && (to + 2 == t.length() || !Character.isLetterOrDigit(t.charAt(to + 2)));
        }
        return gap.equals(",") || gap.equals("-") || gap.equals("–") || gap.equals("(") || gap.equals(", (")
                || gap.isEmpty() && to - from == 1;
    }

    /** Inside one part, words are joined by spaces, dots or a dash only ("Rio de Janeiro", "Col. Roma"). */
    private static boolean inPart(String t, int from, int to) {
        return only(t, from, to, " .-/");
    }

    private static boolean partWord(String t, Tok x) {
        if (x.end() < t.length() && t.charAt(x.end()) == '@') {
            return false; // the local part of an e-mail address
        }
        String w = lower(t, x);
        if (NOT_PART.contains(w) && !(x.end() - x.start() == 2 && Character.isUpperCase(t.charAt(x.start() + 1)))) {
            return false; // "or" and "and" end an address; "OR" is Oregon
        }
        char c = t.charAt(x.start());
        int len = x.end() - x.start();
        if (Character.isUpperCase(c)) {
            // a place name, a region code, a UK postcode half; not a long code of letters and digits (an IBAN, an id)
            return len <= 8 || !hasDigit(t, x);
        }
        if (Character.isDigit(c)) {
            // a postal code, a unit number; not an amount or a version (a dot inside)
            return len <= 10 && !hasDot(t, x);
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
        return to - from <= 3 && only(t, from, to, " ,");
    }

    private static boolean isAbbrev(String w) {
        return w.length() <= 4 && (TYPE_AFTER.contains(w) || TYPE_BEFORE.contains(w));
    }

    private static int nameAfterType(String t, List<Tok> toks, int typeIndex) {
        int k = typeIndex;
        int words = 0;
        while (k + 1 < toks.size() && words < MAX_NAME_WORDS) {
            Tok next = toks.get(k + 1);
            if (!sameLine(t, toks.get(k), next) || next.start() - toks.get(k).end() > 2
                    || (houseNumber(t, next) && !(k == typeIndex && dateName(t, toks, k + 1)))
                    || !inName(t, toks.get(k).end(), next.start())) {
                break;
            }
            if (k == typeIndex && dateName(t, toks, k + 1)) {
                k += 2; // "5 de" of Calle 5 de Mayo; the month is the next name word
                words += 2;
                continue;
            }
            boolean particle = PARTICLES.contains(t, next.start(), next.end());
            if (!particle && !Character.isUpperCase(t.charAt(next.start()))) {
                break;
            }
            k++;
            words++;
        }
        return k;
    }

    /** A street named after a date: the day and "de" before a month, as in Calle 5 de Mayo, Rua 7 de Setembro. */
    private static boolean dateName(String t, List<Tok> toks, int i) {
        if (i + 2 >= toks.size()) {
            return false;
        }
        Tok day = toks.get(i);
        Tok de = toks.get(i + 1);
        int len = day.end() - day.start();
        return len <= 2 && Character.isDigit(t.charAt(day.start())) && Character.isDigit(t.charAt(day.end() - 1))
                && de.end() - de.start() == 2 && t.startsWith("de", de.start()) && de.start() == day.end() + 1
                && Character.isUpperCase(t.charAt(toks.get(i + 2).start()));
    }

    /** Words of one street name are joined by spaces or an abbreviation's dot, never by a comma. */
    private static boolean inName(String t, int from, int to) {
        return only(t, from, to, " .");
    }

    /** Whether {@code t[from, to)} holds only characters of {@code allowed}. */
    private static boolean only(String t, int from, int to, String allowed) {
        for (int i = from; i < to; i++) {
            if (allowed.indexOf(t.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean capitalizedName(String t, List<Tok> toks, int i) {
        if (i >= toks.size()) {
            return false;
        }
        Tok x = toks.get(i);
        if (Character.isUpperCase(t.charAt(x.start()))) {
            return true;
        }
        // a particle first (Via della Spiga, Rua das Flores), then a capitalized word
        return PARTICLES.contains(t, x.start(), x.end()) && i + 1 < toks.size()
                && (Character.isUpperCase(t.charAt(toks.get(i + 1).start()))
                    || PARTICLES.contains(t, toks.get(i + 1).start(), toks.get(i + 1).end()));
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
                if (lettersTo(t, i + 1, k.end())) {
                    return digits <= 5; // Dutch floor or unit letters: 26-hs, 100-III, 12-A
                }
                dash = true;
            } else if (!(Character.isLetter(c) && i == k.end() - 1)) {
                return false;
            }
        }
        return digits >= 1 && (digits <= 5 || digits <= 8 && dash); // 745-2829: unit and house joined
    }

    private static final WordSet NUMBER_WORDS = WordSet.of("n", "no", "nº", "nr", "num", "h.no");

    /** "n.", "No", "Nº", "Nr", "H.No": the word that introduces a house or unit number. */
    private static boolean numberWord(String t, Tok k) {
        return NUMBER_WORDS.contains(t, k.start(), k.end());
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
        int len = k.end() - k.start();
        for (String s : SUFFIXES) {
            if (len > s.length() + 2 && t.regionMatches(true, k.end() - s.length(), s, 0, s.length())) {
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
        List<Tok> out = new ArrayList<>(t.length() / 5 + 4); // about one token per five characters of prose: no regrowth
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
