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

    private static final WordSet GIVEN = load("names/given-names.txt");
    private static final WordSet FAMILY = load("names/family-names.txt");
    private static final WordSet PARTICLES = WordSet.of("van", "der", "den", "de", "la", "le", "da", "das", "dos",
            "do", "del", "della", "di", "von", "zu", "bin", "binti", "bint", "ibn", "al", "el", "ter", "ten", "y", "e", "mac",
            "dela", "delos", "los", "las", "ap", "ó", "ní", "mc");
    private static final WordSet TITLES = WordSet.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam",
            "herr", "frau", "m", "mme", "mlle", "sr", "sra", "srta", "don", "doña", "sig", "signor", "signora", "pan",
            "pani", "hr", "fr", "dott", "ing", "mister", "monsieur", "madame", "señor", "señora", "senhor", "senhora",
            "pt", "atty", "barr", "bw", "p", "shri", "smt", "sri", "dra", "drª", "profa", "profª", "г-н", "г-жа", "г-ну", "г-же", "gent", "egr");
    private static final WordSet CUES = WordSet.of("dear", "hi", "hello", "hey", "attn", "signed", "sincerely",
            "regards", "thanks", "cheers", "from", "by", "customer", "name", "patient", "user", "contact", "cc",
            "employee", "applicant", "passenger", "guest", "tenant", "client", "member", "recipient", "sender",
            "author", "hola", "bonjour", "hallo", "ciao", "olá", "estimado", "estimada", "cher", "chère", "liebe",
            "lieber", "caro", "cara", "this", "is", "am", "called", "named", "with", "for", "and", "to", "mit", "para",
            "kundin", "kunde", "clienta", "cliente", "client", "colleague", "coworker", "wife", "husband", "son",
            "daughter", "mother", "father", "brother", "sister", "partner", "friend", "neighbour", "neighbor",
            "boss", "landlady", "policyholder");
    /** Last words that make a capitalized run a place, company or thing, not a person. */
    private static final WordSet NON_NAME_TAILS = WordSet.of("station", "tunnel", "bridge", "park", "street", "road",
            "avenue", "hospital", "university", "college", "school", "bank", "hotel", "airport", "river", "lake",
            "mount", "centre", "center", "square", "hall", "tower", "norte", "sur", "este", "oeste", "city", "county",
            "state", "valley", "beach", "island", "airlines", "airways", "inc", "ltd", "llc", "gmbh", "corp", "group",
            "services", "systems", "labs", "store", "shop", "cafe", "restaurant", "mall", "market", "plaza", "church",
            "museum", "library", "stadium", "arena", "theater", "theatre", "club", "os", "x", "pro", "max", "plus",
            "edition", "version", "release", "update", "api", "service", "server", "cloud", "app", "studio", "heights",
            "west", "east", "north", "south", "nagar", "colony", "enclave", "sector", "hills", "residency", "towers",
            "apartments", "village", "estate", "drive", "lane", "marg", "chowk", "bazaar", "junction",
            // the legal forms and trades that end a company's name: "Kaarina Design Oy", "Belmont Electronics"
            "oy", "ab", "as", "asa", "sarl", "sas", "sa", "srl", "spa", "bv", "nv", "pty", "plc", "ag", "kg", "co",
            "company", "traders", "trading", "design", "medicine", "payments", "assistance", "partners", "holdings",
            "consulting", "solutions", "electronics", "foods", "pharma", "pharmacy", "clinic", "associates",
            "united", "fc", "motors", "logistics", "insurance", "capital", "ventures", "media", "digital",
            "technologies", "software", "networks", "industries", "enterprises", "international", "foundation",
            "institute", "agency", "council", "ministry", "department", "bakery", "wanderers", "rovers");
    /** Words that start sentences or label fields; never names on their own. */
    private static final WordSet FUNCTION = WordSet.of("i", "my", "we", "our", "you", "your", "he", "she", "they",
            "it", "the", "a", "an", "this", "that", "please", "thanks", "thank", "hope", "sorry", "yes", "no", "ok",
            "date", "phone", "email", "order", "subject", "from", "to", "re", "fw", "fwd", "name", "address", "note",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec", "good", "morning", "afternoon", "evening", "regarding", "attached", "hereby",
            "ነው", "है", "हूँ", "हूं", "i'm", "i’m", "i'd", "i'll", "i've");

    /** Titles that are never names themselves, with or without their dot. */
    private static final WordSet STRONG_TITLES = WordSet.of("mr", "mrs", "ms", "mx", "dr", "prof", "sir", "madam",
            "herr", "frau", "mme", "mlle", "monsieur", "madame", "mister", "dott", "señor", "señora", "senhor",
            "senhora", "signor", "signora", "г-н", "г-жа", "г-ну", "г-же");
    /** First words of place names that look like names: Rio de Janeiro, Porto Alegre, Den Haag, Via della Spiga. */
    private static final WordSet PLACE_HEADS = WordSet.of("rio", "porto", "santa", "santo", "são", "sao", "san",
            "saint", "sankt", "st", "port", "fort", "mount", "lake", "new", "los", "las", "den", "del", "via", "rua",
            "avenida", "av", "calle", "col", "colonia", "bela", "praia", "vila", "villa", "bad", "mont", "monte",
            "puerto", "cape", "costa", "ciudad", "nueva", "nuevo", "north", "south", "east", "west", "upper", "lower",
            "greater", "jalan", "jl", "ulica", "ul", "strada", "piazza", "corso", "viale", "chemin", "rue", "boulevard",
            "allée", "platz", "gasse",
            // the trades and institutions a company's or a building's name starts with: "Banco do Brasil"
            "banco", "banca", "banque", "boulangerie", "pharmacie", "farmacia", "apotheke", "restaurante",
            "clinica", "clínica", "klinik", "universidad", "università", "université", "universität", "colegio",
            "instituto", "société", "atelier", "avenue", "jr", "jirón", "ул", "вул", "شارع");
    /** Role words that label a person in forms, tickets and logs ("Reporter:", "debtor", "Emergency contact:"). */
    private static final WordSet ROLES = WordSet.of("reporter", "assignee", "owner", "insured", "beneficiary",
            "payee", "payer", "debtor", "creditor", "holder", "cardholder", "recipient", "consignee", "attendees",
            "attendee", "approved", "reviewed", "signed", "author", "fn", "attn", "contact", "requester", "requested",
            "submitted", "driver", "buyer", "seller", "landlord", "witness", "guardian", "spouse", "nominee", "agent",
            "physician", "doctor", "employee", "customer", "patient", "client", "member", "applicant", "passenger",
            "guest", "tenant", "user", "sender", "name", "by", "to", "from", "cc", "cust", "kunde", "kundin", "cliente",
            "nombre", "nom", "nome", "naam", "imię", "имя", "frau", "herr", "w", "with", "for", "called", "named",
            "is", "am", "signatory", "traveller", "traveler", "student", "teacher", "manager", "lead", "organizer",
            "policyholder", "colleague", "cardholder", "account-holder",
            // keys of forms and payloads ("first_name": "Yuki", billTo_lastName=Mensah) and their translations
            "firstname", "lastname", "surname", "forename", "givenname", "familyname", "fullname", "middlename",
            "vorname", "nachname", "prénom", "apellido", "apellidos", "nombres", "cognome", "sobrenome", "voornaam",
            "achternaam", "nazwisko", "фамилия", "proprietor", "borrower", "borrowers", "co-borrower", "cousin",
            "uncle", "aunt", "aunty", "nephew", "niece", "technician", "server", "waiter", "waitress", "cashier",
            "agente", "operator", "representative", "rep", "caller", "cameriere", "camarero", "serveur");
    /** Capitals after a comma that are not a region code: the labels, degrees and currencies that follow names. */
    private static final WordSet NOT_REGIONS = WordSet.of("ssn", "dob", "pin", "tin", "ein", "vin", "mrn", "nin",
            "rn", "np", "dds", "phd", "jd", "mba", "cpa", "ceo", "cfo", "coo", "cto", "vp", "hr", "qa", "pm", "usd",
            "eur", "gbp", "jpy", "inr", "chf", "cny", "brl", "mxn", "tel", "ph", "fax", "ref", "iban", "id");
    /** Role words that are prepositions or verbs: labels only with a colon ("Bill to:", not "shipped to Lyon"). */
    private static final WordSet LINKS = WordSet.of("by", "to", "from", "with", "for", "is", "am", "called", "named",
            "w", "cc", "name", "user", "member", "client", "customer", "contact", "agent", "lead", "manager");

    /** Words right before a name standing alone: "Dear Olusegun,", "Happy birthday Tomoko!", "Cheers, Ana". */
    private static final WordSet GREETINGS = WordSet.of("dear", "hi", "hello", "hey", "hola", "bonjour", "hallo",
            "ciao", "olá", "cher", "chère", "liebe", "lieber", "estimado", "estimada", "caro", "cara", "regards",
            "sincerely", "signed", "cheers", "thanks", "birthday", "congrats", "congratulations");

    /** Last words of a letter before the writer's name. */
    private static final WordSet SIGN_OFFS = WordSet.of("regards", "sincerely", "best", "cheers", "thanks",
            "faithfully", "truly", "wishes", "cordially", "grüße", "grüßen", "cordialement", "saludos", "atenciamente",
            "atenciosamente", "cumprimentos", "distinti", "saluti", "groeten", "pozdrawiam");

    /** Words a greeting addresses that are not names: "Dear Customer", "Hi Team". */
    private static final WordSet ADDRESSEES = WordSet.of("customer", "customers", "sir", "sirs", "madam", "team",
            "all", "everyone", "friend", "friends", "colleague", "colleagues", "user", "users", "valued", "member",
            "members", "support", "client", "clients", "there", "folks", "guys", "partner", "partners", "hiring",
            "manager", "admin", "team,", "world");
    private static final WordSet AFTER = WordSet.of("wrote", "said", "says", "writes", "called", "asked", "replied");
    /** Dictionary names that are common English words: never a name on their own, nor as a pair of two of them. */
    private static final WordSet COMMON = WordSet.of("will", "may", "mark", "bill", "rose", "june", "april", "august",
            "jordan", "china", "hope", "grace", "joy", "faith", "summer", "sunny", "art", "dean", "rich", "young",
            "king", "long", "white", "black", "green", "brown", "gray", "grey", "hill", "wood", "lane", "page", "case",
            "cash", "star", "sky", "rain", "river", "stone", "sun", "honey", "major", "chase", "pierce", "frank",
            "miles", "guy", "ray", "rock", "don", "max", "ben", "new", "san", "la", "paris", "london", "york",
            "street", "park", "the", "an", "and", "hong", "kong", "chance", "price", "bell", "gold", "silver", "love",
            "happy", "christmas", "easter", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "january", "february", "march", "september", "october", "november", "december", "north",
            "south", "east", "west", "visa", "card", "order", "service", "support", "team", "bank", "apple", "amazon");

    private static WordSet load(String resource) {
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
        return WordSet.of(s);
    }

    /**
     * A word: [start, end) of {@code text} and how it is written. Only capitalized, CJK and short words (six
     * characters at most) have a lower-case form for the word lists; {@link #lower} is empty for the rest, and
     * built on first use for these.
     */
    private static final class Word {
        /** Not a value {@link WordSet#hash} returns: its hashes are ints or {@link WordSet#SPECIAL}. */
        private static final long UNHASHED = Long.MAX_VALUE;
        private final String text;
        private final int start;
        private final int end;
        private final boolean capital;
        private final boolean cjk;
        private final boolean upper;
        private final boolean uncased;
        private final boolean listed;
        private String lower;
        /** {@link WordSet#hash} of the word, or {@link #UNHASHED} until a set is first asked. */
        private long hash = UNHASHED;

        Word(String text, int start, int end, boolean capital, boolean cjk, boolean upper, boolean uncased) {
            this.text = text;
            this.start = start;
            this.end = end;
            this.capital = capital;
            this.cjk = cjk;
            this.upper = upper;
            this.uncased = uncased;
            this.listed = capital || cjk || end - start <= 6;
        }

        int start() {
            return start;
        }

        int end() {
            return end;
        }

        boolean capital() {
            return capital;
        }

        boolean cjk() {
            return cjk;
        }

        boolean upper() {
            return upper;
        }

        /** A word of a script without case: Ge'ez, Arabic, Devanagari. */
        boolean uncased() {
            return uncased;
        }

        String lower() {
            if (lower == null) {
                lower = listed ? text.substring(start, end).toLowerCase(Locale.ROOT) : "";
            }
            return lower;
        }

        /** Memos of the three questions a run asks most, about each of its words: 0 not asked, 1 no, 2 yes. */
        private byte given;
        private byte family;
        private byte common;

        /** In the given-name dictionary. */
        boolean given() {
            if (given == 0) {
                given = in(GIVEN) ? (byte) 2 : 1;
            }
            return given == 2;
        }

        /** A family name, or the feminine or inflected form of one ({@link PersonNameDetector#familyForm}). */
        boolean family() {
            if (family == 0) {
                family = in(FAMILY) || familyForm(lower()) ? (byte) 2 : 1;
            }
            return family == 2;
        }

        /** A name that is also a common word: Will, Mark, June. */
        boolean common() {
            if (common == 0) {
                common = in(COMMON) ? (byte) 2 : 1;
            }
            return common == 2;
        }

        /** Whether the word's lower-case form is in {@code set}, without building it. */
        boolean in(WordSet set) {
            if (!listed || !set.mayContain(text, start, end)) {
                return false;
            }
            if (hash == UNHASHED) {
                hash = WordSet.hash(text, start, end);
            }
            return hash == WordSet.SPECIAL ? set.contains(lower()) : set.contains(text, start, end, (int) hash);
        }
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
        MailParts mail = MailParts.of(t);
        int first = out.size();
        // runs that looked like names but had too little evidence: [first word, last word] pairs
        int[] doubtful = new int[16];
        int doubts = 0;
        int i = 0;
        while (i < n) {
            Word a = w.get(i);
            if (a.cjk()) {
                i = cjk(t, w, i, out);
                continue;
            }
            boolean particleStart = !a.capital() && a.in(PARTICLES) && i + 1 < n && w.get(i + 1).capital()
                    && adjacent(t, a, w.get(i + 1)) && (titleBefore(t, w, i) || labelBefore(t, w, i)); // Dr. dos Santos
            if ((!a.capital() && !particleStart)
                    || (a.common() && !cueBefore(t, w, i) && !surnameNext(t, w, i))
                    || (notAName(t, a) && !capsBesideGiven(t, w, i))) {
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
                if (!adjacent(t, w.get(k - 1), b) || b.uncased() != w.get(k - 1).uncased()) {
                    break; // one name is written in one script: "मेरा नाम Rajesh" is not a run
                }
                if (b.capital() && !b.cjk() && (!notAName(t, b) || capsBesideGiven(t, w, k))) {
                    last = k;
                    words++;
                } else if (!b.in(PARTICLES)) {
                    break;
                }
            }
            double score = score(t, w, i, last, mail);
            if (score > 0) {
                out.add(new Finding(DataClass.PERSON_NAME, a.start(), w.get(last).end(), score, ID));
                i = last + 1;
            } else {
                if (last > i && doubts < doubtful.length / 2 && plausibleUnknown(t, w, i, last)) {
                    doubtful[2 * doubts] = i;
                    doubtful[2 * doubts + 1] = last;
                    doubts++;
                }
                i++;
            }
        }
        introduced(t, w, out);
        speakers(t, w, out);
        if (out.size() > first) {
            listed(t, w, doubtful, doubts, first, out);
            repeated(t, w, first, out);
        }
    }

    /**
     * The local parts of the e-mail addresses in a text, folded to ASCII lower case. People's mailboxes are made
     * of their names ({@code reem.al-amin@}, {@code navarrol7@}, {@code d.dimitriou@}), so a capitalized word
     * written inside one is a name whether or not a dictionary knows it. Role mailboxes ({@code support@},
     * {@code billing@}) are no evidence.
     */
    private static final class MailParts {
        private static final WordSet ROLE_MAILBOXES = WordSet.of("support", "billing", "sales", "admin", "info",
                "contact", "help", "team", "jobs", "careers", "press", "security", "abuse", "postmaster", "webmaster",
                "noreply", "reply", "service", "orders", "order", "accounts", "account", "finance", "legal",
                "marketing", "office", "hello", "mail", "notifications", "alerts", "root", "user", "test", "example",
                "customer", "customers", "invoice", "invoices", "hr", "payroll", "privacy", "feedback", "newsletter",
                "bank", "shop", "store", "staff", "members", "member", "dev", "ops", "cron", "daemon", "mailer",
                "system", "nobody", "www", "bot", "monitor", "monitoring", "jenkins", "git", "deploy", "backup");
        private static final int MAX = 32;
        private final String[] locals;
        /** Where each mailbox stands in the text: [start, end) pairs, so its own letters are not read as names. */
        private final int[] spans;
        private final int count;

        private MailParts(String[] locals, int[] spans, int count) {
            this.locals = locals;
            this.spans = spans;
            this.count = count;
        }

        /** The mailboxes of {@code t}, or null when it holds no e-mail address. */
        static MailParts of(String t) {
            int at = t.indexOf('@');
            if (at < 0) {
                return null;
            }
            String[] locals = new String[4];
            int[] spans = new int[8];
            int count = 0;
            // at most MAX mailboxes, so that a text of many addresses and many capitalized words stays linear
            for (; at >= 0 && count < MAX; at = t.indexOf('@', at + 1)) {
                int s = at;
                while (s > 0 && at - s < 64 && mailChar(t.charAt(s - 1))) {
                    s--;
                }
                if (at - s >= 3) {
                    if (count == locals.length) {
                        locals = java.util.Arrays.copyOf(locals, count * 2);
                        spans = java.util.Arrays.copyOf(spans, count * 4);
                    }
                    spans[2 * count] = s;
                    spans[2 * count + 1] = at;
                    locals[count++] = t.substring(s, at).toLowerCase(Locale.ROOT);
                }
            }
            return count == 0 ? null : new MailParts(locals, spans, count);
        }

        private static boolean mailChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == '+';
        }

        /** How many words of the run {@code [first, last]} a mailbox spells. */
        int named(String t, List<Word> w, int first, int last) {
            int n = 0;
            for (int k = first; k <= last; k++) {
                if (spare(t, w.get(k)) >= 0) {
                    n++;
                }
            }
            return n;
        }

        /**
         * How few letters a mailbox holds besides {@code x}, over the mailboxes that spell it as one of their parts
         * (between separators, digits or ends, with at most two more letters on either side: an initial, as in
         * {@code jsmith}, {@code navarrol7}); -1 when none does or the word cannot be a name from a mailbox.
         */
        int spare(String t, Word x) {
            if (x.end() - x.start() < 3 || x.cjk() || !nameShaped(t, x) || inside(x) || x.common() || x.in(FUNCTION)
                    || x.in(ROLE_MAILBOXES)) {
                return -1;
            }
            String f = fold(x.lower());
            if (f.length() < 3) {
                return -1;
            }
            int best = -1;
            for (int i = 0; i < count; i++) {
                String l = locals[i];
                for (int p = l.indexOf(f); p >= 0; p = l.indexOf(f, p + 1)) {
                    if (letters(l, p - 1, -1) <= 2 && letters(l, p + f.length(), 1) <= 2) {
                        int other = 0;
                        for (int k = 0; k < l.length(); k++) {
                            if ((k < p || k >= p + f.length()) && l.charAt(k) >= 'a' && l.charAt(k) <= 'z') {
                                other++;
                            }
                        }
                        best = best < 0 ? other : Math.min(best, other);
                    }
                }
            }
            return best;
        }

        /** How many letters run from {@code i} in direction {@code d} before a non-letter or an end. */
        private static int letters(String l, int i, int d) {
            int n = 0;
            for (; i >= 0 && i < l.length() && l.charAt(i) >= 'a' && l.charAt(i) <= 'z'; i += d) {
                n++;
            }
            return n;
        }

        private boolean inside(Word x) {
            for (int i = 0; i < count; i++) {
                if (x.start() < spans[2 * i + 1] && spans[2 * i] < x.end()) {
                    return true;
                }
            }
            return false;
        }

        /** Written as names are: a capital, then lower case (a capital only after a hyphen or apostrophe). */
        private static boolean nameShaped(String t, Word x) {
            for (int k = x.start() + 1; k < x.end(); k++) {
                char c = t.charAt(k);
                if (Character.isUpperCase(c) && t.charAt(k - 1) != '-' && t.charAt(k - 1) != '\'' && t.charAt(k - 1) != '’') {
                    return false;
                }
            }
            return true;
        }

        /** A lower-case word without its accents, as mailboxes write it: Løvaas → lovaas, Dąbrowska → dabrowska. */
        private static String fold(String lower) {
            boolean ascii = true;
            for (int i = 0; i < lower.length() && ascii; i++) {
                ascii = lower.charAt(i) < 0x80;
            }
            if (ascii) {
                return lower;
            }
            String d = java.text.Normalizer.normalize(lower, java.text.Normalizer.Form.NFD);
            StringBuilder sb = new StringBuilder(d.length());
            for (int i = 0; i < d.length(); i++) {
                char c = d.charAt(i);
                switch (c) {
                    case 'ø' -> sb.append('o');
                    case 'æ' -> sb.append("ae");
                    case 'ß' -> sb.append("ss");
                    case 'ł' -> sb.append('l');
                    case 'đ' -> sb.append('d');
                    case 'ı' -> sb.append('i');
                    case '\'', '’' -> { }
                    default -> {
                        if (c < 0x80) {
                            sb.append(c);
                        } else if (Character.getType(c) != Character.NON_SPACING_MARK) {
                            return ""; // another script: no mailbox spells it
                        }
                    }
                }
            }
            return sb.toString();
        }
    }

    /** Phrases a person introduces themselves with; the capitalized words right after are their name. */
    private static final KeywordIndex INTRODUCTIONS = new KeywordIndex("my name is", "me llamo", "je m'appelle",
            "mi chiamo", "ich heiße", "ich heisse", "mein name ist", "mijn naam is", "jina langu ni", "nama saya",
            "meu nome é", "mi nombre es", "jmenuji se", "nazywam się", "benim adım", "tôi là", "tên tôi là", "sono",
            "saya", "soy", "je suis", "eu sou", "mera naam", "i'm", "i’m", "i am");
    /** Introductions that as often lead to other words ("I'm Canadian"): one unknown word after them is no name. */
    private static final Set<String> WEAK_INTRODUCTIONS = Set.of("i'm", "i’m", "i am");
    /** Introductions in scripts whose words {@link KeywordIndex} does not index: the word right before the name. */
    private static final WordSet INTRODUCTION_WORDS = WordSet.of("είμαι", "λέγομαι", "зовут", "звати", "اسمي",
            "ስሜ", "नाम");

    /**
     * "My name is Sato", "me llamo Lemaire", "jina langu ni Kipkemboi", "меня зовут Макаров", "ስሜ ሳባ ከበደ ነው":
     * one to three capitalized (or uncased) words or initials after an introduction are a name, whether or not a
     * dictionary knows them.
     */
    private static void introduced(String t, List<Word> w, List<Finding> out) {
        for (int i = 0; i < w.size(); i++) {
            Word p = w.get(i);
            if (p.cjk() || (p.start() > 0 && Character.isLetter(t.charAt(p.start() - 1)))) {
                continue;
            }
            int after;
            boolean weak = false;
            if (p.in(INTRODUCTION_WORDS)) {
                after = p.end();
            } else {
                String phrase = INTRODUCTIONS.at(t, p.start());
                if (phrase == null) {
                    continue;
                }
                weak = WEAK_INTRODUCTIONS.contains(phrase);
                after = p.start() + phrase.length();
                if (after < t.length() && Character.isLetter(t.charAt(after))) {
                    continue; // "sono" is not the start of "Sonoma"
                }
            }
            int k = i + 1;
            while (k < w.size() && w.get(k).start() < after) {
                k++;
            }
            if (k >= w.size() || w.get(k).start() - after > 2) {
                continue;
            }
            while (k + 1 < w.size() && w.get(k).in(TITLES) && w.get(k).end() < t.length() && t.charAt(w.get(k).end()) == '.') {
                k++; // "soy Dra. Gómez Zúñiga", "ist Prof. Dr. Braun": the name follows the titles
            }
            int last = -1;
            for (int j = k; j < w.size() && j < k + 3; j++) {
                Word x = w.get(j);
                if (!x.capital() || x.cjk() || x.in(FUNCTION)
                        || (j > k && !adjacent(t, w.get(j - 1), x))) {
                    break;
                }
                last = j;
            }
            if (weak && last == k && !known(w.get(k))) {
                continue;
            }
            if (last >= 0 && !(last == k && w.get(k).end() - w.get(k).start() == 1)) { // an initial alone is not a name
                out.add(new Finding(DataClass.PERSON_NAME, w.get(k).start(), w.get(last).end(), 0.8, ID));
                i = last;
            }
        }
    }

    /**
     * Words that cannot be (part of) a name: a title ("Mr." is not a person, the word after it is), a lone letter
     * that is not an initial, an all-capitals word no dictionary knows (IBAN, OH, POST).
     */
    private static boolean notAName(String t, Word a) {
        int len = a.end() - a.start();
        if (len == 1) {
            return a.end() >= t.length() || t.charAt(a.end()) != '.';
        }
        if (a.in(TITLES) && (a.in(STRONG_TITLES)
                || (a.end() < t.length() && t.charAt(a.end()) == '.'))) {
            return true;
        }
        // an all-capitals word is a name only beside a mixed-case given name (capsBesideGiven) or as part of an
        // all-capitals given + family pair (JOHN SMITH on a card)
        return a.upper() && !(a.end() - a.start() >= 3 && known(a) && capsPair(t, a));
    }

    /** Whether an all-capitals word stands beside another all-capitals word and together they read given + family. */
    private static boolean capsPair(String t, Word a) {
        int e = a.end();
        int s = a.start();
        // the neighbour after: one space, then an all-capitals run of 3+ letters
        if (e + 4 <= t.length() && t.charAt(e) == ' ' && a.given()) {
            int k = e + 1;
            while (k < t.length() && Character.isUpperCase(t.charAt(k))) {
                k++;
            }
            if (k - e - 1 >= 3 && (k == t.length() || !Character.isLetter(t.charAt(k)))
                    && family(t.substring(e + 1, k).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        if (s >= 4 && t.charAt(s - 1) == ' ' && a.family()) {
            int k = s - 1;
            while (k > 0 && Character.isUpperCase(t.charAt(k - 1))) {
                k--;
            }
            return s - 1 - k >= 3 && (k == 0 || !Character.isLetter(t.charAt(k - 1)))
                    && GIVEN.contains(t, k, s - 1);
        }
        return false;
    }

    /**
     * An all-capitals family name written beside a mixed-case given name, the way forms and passports write
     * them: "BELOUSOVA Polina", "Karim IBN ZIAD JABER", "NOWAK Grażyna", "Min-seo SONG". Either dictionary may
     * vouch for the pair (a known given name beside the capitals, or capitals that are a known family name), or
     * a label right before it ("Customer: Setareh MOUSAVI").
     */
    private static boolean capsBesideGiven(String t, List<Word> w, int k) {
        Word x = w.get(k);
        if (!x.upper()) {
            return false;
        }
        if (x.end() + 1 < t.length() && t.charAt(x.end()) == ' ' && Character.isDigit(t.charAt(x.end() + 1))) {
            return false; // a label before its value: "IBAN FI07 …", "SSN 457-…"
        }
        boolean knownFamily = x.end() - x.start() >= 3 && x.family() && !x.common();
        for (int d = -1; d <= 1; d += 2) {
            int j = k + d;
            while (j >= 0 && j < w.size() && w.get(j).upper() && Math.abs(j - k) < 3) {
                j += d; // several capitalized family words in a row
            }
            if (j < 0 || j >= w.size()) {
                continue;
            }
            Word g = w.get(j);
            if (g.upper() || !g.capital() || g.cjk() || g.end() - g.start() < 2 || g.in(FUNCTION) || g.in(TITLES)
                    || !adjacent(t, d < 0 ? g : w.get(j - 1), d < 0 ? w.get(j + 1) : g)) {
                continue;
            }
            if ((g.given() && !g.common()) || knownFamily || labelBefore(t, w, Math.min(j, k))) {
                return true;
            }
        }
        return false;
    }

    private static boolean known(Word x) {
        return (x.given() || x.family()) && !x.common();
    }

    /**
     * A family name, or the feminine or inflected form of one: Иванова (Иванов), Kowalska (Kowalski), Nováková
     * (Novák), Νικολαΐδη (Νικολαΐδης).
     */
    private static boolean family(String lower) {
        return FAMILY.contains(lower) || familyForm(lower);
    }

    /** The feminine or inflected form of a dictionary family name, the word itself not being one. */
    private static boolean familyForm(String lower) {
        int n = lower.length();
        if (n < 4) {
            return false;
        }
        char z = lower.charAt(n - 1);
        if (z == 'а' || z == 'a') {
            String stem = lower.substring(0, n - 1);
            return FAMILY.contains(stem) || (lower.endsWith("ska") || lower.endsWith("cka"))
                    && FAMILY.contains(stem + "i");
        }
        if (lower.endsWith("ová")) {
            return FAMILY.contains(lower.substring(0, n - 3));
        }
        if (z == 'η' || z == 'ή' || z == 'α' || z == 'ά') {
            return FAMILY.contains(lower + "ς");
        }
        return false;
    }

    private static double score(String t, List<Word> w, int first, int last, MailParts mail) {
        Word a = w.get(first);
        Word z = w.get(last);
        // dictionary lookups go through the words, which keep their hash: a run asks each set several times
        boolean title = titleBefore(t, w, first);
        boolean label = labelBefore(t, w, first);
        boolean givenFirst = a.given();
        boolean familyLast = first != last && z.family();
        boolean commonFirst = a.common();
        boolean commonLast = z.common();
        boolean strongPair = givenFirst && familyLast && !commonFirst && !commonLast;
        boolean initial = a.end() - a.start() == 1 && first != last; // "A. Ramesh": the article "a" is an initial here
        if ((a.in(FUNCTION) && !label && !title && !initial) || notAPerson(t, a, z)) {
            return 0;
        }
        boolean line = lineCue(t, w, first, last);
        if (first == last) {
            // a single word's cue matters only against a label after it, so it is looked for only then
            if (labelAfter(t, z) && !title && !cue(t, w, first, last, mail, line)) {
                return 0;
            }
            if (a.end() - a.start() < 2 || a.upper() && !title) {
                return 0;
            }
            boolean known = known(a);
            if (known && addressBelow(t, a.start(), z.end())) {
                return 0.7; // the recipient line of an address block: "Bjørklund\n7988 Bleecker Street"
            }
            int spare = mail == null ? -1 : mail.spare(t, a);
            if (spare >= 0 && spare <= 3 && nameEnds(t, a)) {
                return 0.7; // "Navarro <navarrol7@globex.de>": the mailbox is the name and an initial or digits
            }
            if (title) {
                return known ? 0.8 : 0.6;
            }
            if (greetingBefore(t, w, first) && spacesOnlyBefore(t, w, first) && nameEnds(t, a)
                    && !commonFirst && !a.in(ADDRESSEES)) {
                return known ? 0.75 : 0.65;
            }
            if ((label || line || signedBefore(t, w, first)) && nameEnds(t, a) && known && !a.in(ADDRESSEES)) {
                return 0.7; // "Approved by: Puspita", "Recipient = Rahimi", a sign-off line, "Cheers, Moreau"
            }
            return 0;
        }
        boolean cue = cue(t, w, first, last, mail, line);
        if (labelAfter(t, z) && !(cue || title || strongPair)) {
            return 0;
        }
        boolean familyFirst = a.family();
        boolean givenLast = z.given();
        double s;
        if (commonFirst && commonLast && !label) {
            s = 0; // "Will Young" in prose; after "Bill to:" the label decides
        } else if ((givenFirst && familyLast) || (familyFirst && givenLast)) {
            s = 0.85;
        } else if ((givenFirst || familyLast) && !(givenFirst ? commonLast : commonFirst)) {
            s = 0.6;
        } else if ((familyFirst || givenLast) && !(familyFirst ? commonLast : commonFirst)) {
            s = 0.6; // family name first: Watanabe Keiko, Nagy Péter
        } else {
            // unknown to the dictionaries: a title or a cue right before ("Bill to:", "Reporter:") is needed
            s = title || cue ? 0.6 : 0;
        }
        if (s > 0 && (cue || title)) {
            s = Math.min(0.95, s + 0.1);
        }
        return s;
    }

    /** Context around the run: a cue word before or after, a line of its own, an appositive, a mailbox, an address. */
    private static boolean cue(String t, List<Word> w, int first, int last, MailParts mail, boolean line) {
        Word a = w.get(first);
        Word z = w.get(last);
        return cueBefore(t, w, first) || cueAfter(w, last) || line || appositive(t, a.start(), z.end())
                || (mail != null && mail.named(t, w, first, last) > 0) || addressBelow(t, a.start(), z.end());
    }

    /** The run reads as a place, whatever the dictionaries say: "Bandra West", "Porto Alegre", "Columbus OH". */
    private static boolean notAPerson(String t, Word a, Word z) {
        return z.in(NON_NAME_TAILS) || a.in(PLACE_HEADS) || placeAfter(t, z);
    }

    /** Unknown capitalized words that may still be a name when their neighbours are: no English-looking tail. */
    private static boolean plausibleUnknown(String t, List<Word> w, int first, int last) {
        Word a = w.get(first);
        Word z = w.get(last);
        return last - first <= 2 && !a.in(FUNCTION) && !a.common()
                && !z.common() && !labelAfter(t, z) && !notAPerson(t, a, z);
    }

    /**
     * Names listed beside names: in "Attendees: Ana Souza, Golnar Moradi, Lena Weiß" the one the dictionaries miss
     * is a name too. A doubtful run joined by ", " or " and " to a found name is taken; repeated until nothing changes.
     */
    private static void listed(String t, List<Word> w, int[] doubtful, int doubts, int first, List<Finding> out) {
        boolean[] taken = new boolean[doubts];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int d = 0; d < doubts; d++) {
                if (taken[d]) {
                    continue;
                }
                int s = w.get(doubtful[2 * d]).start();
                int e = w.get(doubtful[2 * d + 1]).end();
                for (int k = first; k < out.size(); k++) {
                    Finding f = out.get(k);
                    if (f.dataClass() == DataClass.PERSON_NAME && f.score() >= 0.6
                            && (joined(t, f.end(), s) || joined(t, e, f.start()))) {
                        out.add(new Finding(DataClass.PERSON_NAME, s, e, 0.6, ID));
                        taken[d] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    /** Whether only a list separator lies between {@code from} and {@code to}: ", ", " and ", " & ", " / ". */
    private static boolean joined(String t, int from, int to) {
        if (to <= from || to - from > 5) {
            return false;
        }
        String gap = t.substring(from, to);
        return gap.equals(", ") || gap.equals(" and ") || gap.equals(" & ") || gap.equals(" / ") || gap.equals("; ")
                || gap.equals(" y ") || gap.equals(" und ") || gap.equals(" et ") || gap.equals(" e ") || gap.equals("、");
    }

    /**
     * A name found once makes its words names wherever else they stand capitalized in the same text: the
     * "Rutger" of "- Rutger: follow up" after "Attendees: Rutger Mulder". One walk over the words beside the
     * findings, sorted by start.
     */
    private static void repeated(String t, List<Word> w, int first, List<Finding> out) {
        int found = out.size();
        List<Finding> names = new ArrayList<>(out.subList(first, found));
        names.sort(java.util.Comparator.comparingInt(Finding::start));
        boolean[] covered = new boolean[w.size()];
        java.util.Set<String> parts = new HashSet<>();
        int f = 0;
        for (int k = 0; k < w.size(); k++) {
            Word x = w.get(k);
            while (f < names.size() && names.get(f).end() <= x.start()) {
                f++;
            }
            // every finding that starts before the word ends; those before f ended before an earlier word
            for (int g = f; g < names.size() && names.get(g).start() < x.end(); g++) {
                Finding n = names.get(g);
                if (n.end() > x.start()) {
                    covered[k] = true;
                    if (x.cjk() && n.score() >= 0.6) {
                        cjkParts(t.substring(Math.max(n.start(), x.start()), Math.min(n.end(), x.end())), parts);
                    } else if (n.score() >= 0.6 && x.start() >= n.start() && x.end() <= n.end() && x.end() - x.start() >= 2
                            && !x.upper() && !x.common() && !x.in(PARTICLES)
                            && !x.in(TITLES) && !x.in(FUNCTION)) {
                        parts.add(x.lower());
                    }
                }
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        for (int k = 0; k < w.size(); k++) {
            Word x = w.get(k);
            if (!covered[k] && (x.capital() || x.cjk()) && parts.contains(x.lower())) {
                out.add(new Finding(DataClass.PERSON_NAME, x.start(), x.end(), 0.65, ID));
            }
        }
    }

    /**
     * The parts of a CJK name another mention may use alone: the name, and its given name after a known one- or
     * two-character family name ("- 和樹: follow up" after "Attendees: 田中和樹").
     */
    private static void cjkParts(String name, Set<String> parts) {
        parts.add(name);
        int len = name.length();
        if (len >= 3 && FAMILY.contains(name.substring(0, 2))) {
            parts.add(name.substring(2));
        } else if (len >= 2 && len <= 3 && FAMILY.contains(name.substring(0, 1))) {
            parts.add(name.substring(1));
        }
    }

    /** Words before a colon at the start of a line that label a field, not a speaker ({@link #FUNCTION} aside). */
    private static final WordSet FIELD_LABELS = WordSet.of("notes", "status", "reason", "time", "total", "amount",
            "summary", "description", "environment", "priority", "type", "level", "message", "error", "warning",
            "result", "action", "comment", "comments", "resolution", "source", "update", "answer", "question", "reply",
            "response", "me", "bot", "system", "admin", "support", "host", "ps", "nb", "tip", "info", "fyi", "todo",
            "edit", "ref", "reference", "invoice", "ticket", "case");
    /** Speaker lines looked at in one text: a chat's first few speakers decide whether it is a conversation. */
    private static final int MAX_SPEAKER_LINES = 8;

    /**
     * Speakers of a chat or a transcript: "Maya: oops that was me", "[14:02] Agent (Marcus): Thanks". A word that
     * opens a line and is followed by a colon is a speaker in a conversation (someone speaks twice) when a
     * dictionary knows it or it speaks twice itself; a name in brackets after a role word ("Agent (Marcus):") is
     * one on its own. Field labels ("Status:") are excluded by name.
     */
    private static void speakers(String t, List<Word> w, List<Finding> out) {
        int n = w.size();
        // speaker lines: the first word ("Agente" of "Agente Valeria:") and the word before the colon
        int[] opener = new int[MAX_SPEAKER_LINES];
        int[] last = new int[MAX_SPEAKER_LINES];
        int count = 0;
        for (int k = 0; k < n; k++) {
            Word a = w.get(k);
            int e = a.end();
            if (e + 1 < t.length() && t.charAt(e) == ')' && t.charAt(e + 1) == ':' && k > 0 && bracketedSpeaker(t, w, k)) {
                out.add(new Finding(DataClass.PERSON_NAME, a.start(), e, 0.7, ID)); // one line is enough
                continue;
            }
            if (count == MAX_SPEAKER_LINES || e >= t.length() || t.charAt(e) != ':'
                    || (e + 1 < t.length() && t.charAt(e + 1) != ' ') || !a.capital() || a.cjk()) {
                continue;
            }
            int o = k > 0 && adjacent(t, w.get(k - 1), a) && w.get(k - 1).capital() ? k - 1 : k; // "Soo-ah Kim:"
            if (lineOpener(t, w.get(o).start())) {
                opener[count] = o;
                last[count++] = k;
            }
        }
        // a conversation: someone speaks twice. A form's labels ("Company:", "Street:") each stand once, and some
        // of them are family names too
        boolean conversation = false;
        for (int c = 0; c < count && !conversation; c++) {
            conversation = speaks(t, w, last, count, last[c], last[c]) >= 2;
        }
        if (!conversation) {
            return;
        }
        for (int c = 0; c < count; c++) {
            int k = last[c];
            int from = opener[c] < k && w.get(opener[c]).in(ROLES) ? k : opener[c]; // "Agente Valeria:": no role
            Word a = w.get(from);
            Word z = w.get(k);
            if (a.upper() || z.upper() || z.end() - a.start() < 2 || a.in(FUNCTION) || a.in(FIELD_LABELS)
                    || z.in(FIELD_LABELS) || a.in(ROLES) || a.in(CUES) || a.in(ADDRESSEES)) {
                continue;
            }
            boolean known = a.given() || a.family() || z.given() || z.family();
            if (known || speaks(t, w, last, count, from, k) >= 2) {
                out.add(new Finding(DataClass.PERSON_NAME, a.start(), z.end(), 0.7, ID));
            }
        }
    }

    /** "Agent (Marcus):" at a line's start: a role word, then the capitalized word {@code k} in brackets. */
    private static boolean bracketedSpeaker(String t, List<Word> w, int k) {
        Word a = w.get(k);
        Word role = w.get(k - 1);
        int s = a.start();
        return s >= 2 && t.charAt(s - 1) == '(' && t.charAt(s - 2) == ' ' && role.end() == s - 2 && a.capital()
                && !a.upper() && !a.cjk() && !a.in(FUNCTION) && role.in(ROLES) && lineOpener(t, role.start());
    }

    /** How many speaker lines end with the same words as {@code w[from, to]}. */
    private static int speaks(String t, List<Word> w, int[] last, int count, int from, int to) {
        int s = w.get(from).start();
        int len = w.get(to).end() - s;
        int same = 0;
        for (int c = 0; c < count; c++) {
            int e = w.get(last[c]).end();
            if (e - len >= 0 && t.regionMatches(e - len, t, s, len) && (e - len == 0 || !Character.isLetter(t.charAt(e - len - 1)))) {
                same++;
            }
        }
        return same;
    }

    /**
     * Whether only a timestamp, a bullet or blanks stand between the start of the line and {@code s}:
     * "[14:02] ", "14:02 - ", "— ", "> ".
     */
    private static boolean lineOpener(String t, int s) {
        int k = s;
        while (k > 0 && t.charAt(k - 1) != '\n' && s - k <= 24) {
            char c = t.charAt(k - 1);
            if (!(c == ' ' || c == '[' || c == ']' || c == ':' || c == '.' || c == '-' || c == '—' || c == '>'
                    || c == '*' || c == '•' || c == '/' || c == ',' || (c >= '0' && c <= '9'))) {
                return false;
            }
            k--;
        }
        return k == 0 || t.charAt(k - 1) == '\n';
    }

    /**
     * A place, not a person: the run is followed by a region code or a postal code ("Columbus OH 43211",
     * "Porto Alegre - RS", "Napoli NA").
     */
    private static boolean placeAfter(String t, Word z) {
        int n = t.length();
        int i = z.end();
        if (i < n && t.charAt(i) == ',') {
            i++;
        } else if (i + 2 < n && t.charAt(i) == ' ' && t.charAt(i + 1) == '-') {
            i += 2;
        }
        if (i >= n || t.charAt(i) != ' ') {
            return false;
        }
        i++;
        int caps = 0;
        while (i + caps < n && caps < 4 && t.charAt(i + caps) >= 'A' && t.charAt(i + caps) <= 'Z') {
            caps++;
        }
        if (caps >= 2 && caps <= 3) {
            int e = i + caps;
            return (e >= n || t.charAt(e) == ' ' || t.charAt(e) == ',' || t.charAt(e) == '\n' || t.charAt(e) == ')')
                    && !NOT_REGIONS.contains(t, i, e); // "Jamal Whitfield, SSN 238-…" is a person
        }
        int digits = 0;
        while (i + digits < n && t.charAt(i + digits) >= '0' && t.charAt(i + digits) <= '9') {
            digits++;
        }
        return digits >= 4 && digits <= 5 && (i + digits >= n || !Character.isLetterOrDigit(t.charAt(i + digits)));
    }

    /**
     * A label that names a role before the run: "Reporter:", "Emergency contact:", "Reviewed-by:", "FN:",
     * "debtor", "Applicant 2:". The word must end with a colon or equals sign, or be a role word itself.
     */
    private static boolean labelBefore(String t, List<Word> w, int i) {
        if (i == 0) {
            return false;
        }
        Word p = w.get(i - 1);
        int to = w.get(i).start();
        int from = p.end();
        if (to - from > 3 && t.charAt(from) == ' ' && Character.isDigit(t.charAt(from + 1))) {
            from += 2; // a numbered role: "Driver 1:", "Applicant 12:"
            if (from < to && Character.isDigit(t.charAt(from))) {
                from++;
            }
        }
        if (to - from > 4) {
            return false;
        }
        // the one mark between the words, blanks and quotes aside: ':', '=', '—', or none ("first_name":"Yuki")
        char mark = 0;
        for (int k = from; k < to; k++) {
            char c = t.charAt(k);
            if (!Character.isWhitespace(c) && c != '"' && c != '\'') {
                if (mark != 0) {
                    return false;
                }
                mark = c;
            }
        }
        String role = lastPart(lowerOf(t, p));
        boolean marked = mark == ':' || mark == '=' || mark == '—'
                || mark == 0 && ROLES.contains(role) && !LINKS.contains(role);
        return marked && (ROLES.contains(role) || CUES.contains(role));
    }

    /** A word's lower-case form; long lower-case words are lowered only when a context rule asks. */
    private static String lowerOf(String t, Word x) {
        return !x.lower().isEmpty() || x.end() - x.start() > 24 ? x.lower()
                : t.substring(x.start(), x.end()).toLowerCase(Locale.ROOT);
    }

    /** The last hyphenated part of a word: "reviewed-by" is read as "by". */
    private static String lastPart(String lower) {
        int dash = lower.lastIndexOf('-');
        return dash >= 0 && dash + 1 < lower.length() ? lower.substring(dash + 1) : lower;
    }

    /**
     * The run stands alone on its line (a comma after it allowed) and the line before ends with a sign-off:
     * "Kind regards,\nBabak Mousavi".
     */
    private static boolean lineCue(String t, List<Word> w, int first, int last) {
        int s = w.get(first).start();
        int e = w.get(last).end();
        boolean lineStart = s == 0 || t.charAt(s - 1) == '\n';
        int after = e;
        if (after < t.length() && t.charAt(after) == ',') {
            after++;
        }
        boolean lineEnd = after >= t.length() || t.charAt(after) == '\n' || t.charAt(after) == '\r';
        if (!lineStart || !lineEnd) {
            return false;
        }
        // the previous non-empty line ends a letter: "Kind regards," "Sincerely," "Best,"
        int k = s - 1;
        while (k > 0 && (t.charAt(k - 1) == '\n' || t.charAt(k - 1) == '\r')) {
            k--;
        }
        if (first == 0 || k <= 0) {
            return false;
        }
        Word p = w.get(first - 1);
        int pe = p.end();
        String sign = lowerOf(t, p);
        return (pe == k || (pe + 1 == k && t.charAt(pe) == ',')) && (SIGN_OFFS.contains(sign)
                || sign.equals("you") && first >= 2 && lowerOf(t, w.get(first - 2)).equals("thank"));
    }

    /** "I, Shadi Bagheri, am writing": the run is set off by commas right after a sentence's "I". */
    private static boolean appositive(String t, int s, int e) {
        return s >= 3 && t.charAt(s - 1) == ' ' && t.charAt(s - 2) == ',' && t.charAt(s - 3) == 'I'
                && (s == 3 || !Character.isLetterOrDigit(t.charAt(s - 4))) && e < t.length() && t.charAt(e) == ',';
    }

    /**
     * The run fills the first line of a block (the text's first line, or one after an empty line or a label
     * such as "Ship to:") and the next line opens an address: a house number, or a capitalized street with a
     * number ("Calle Madero 2709", "H.No. 14-5-122"). That is the recipient line of a label or letter.
     */
    private static boolean addressBelow(String t, int s, int e) {
        int n = t.length();
        int end = e;
        while (end < n && (t.charAt(end) == ' ' || t.charAt(end) == ',')) {
            end++;
        }
        if (end >= n || t.charAt(end) != '\n' || (s > 0 && t.charAt(s - 1) != '\n')) {
            return false;
        }
        if (s > 1) {
            char before = t.charAt(s - 2);
            if (before != '\n' && before != ':' && before != '\r') {
                return false;
            }
        }
        int next = end + 1;
        if (next >= n) {
            return false;
        }
        char c = t.charAt(next);
        if (Character.isDigit(c)) {
            return true;
        }
        if (!Character.isUpperCase(c)) {
            return false;
        }
        for (int k = next; k < n && k < next + 40; k++) {
            char d = t.charAt(k);
            if (d == '\n' || d == '@' || d == ':') {
                return false;
            }
            if (Character.isDigit(d)) {
                return true;
            }
        }
        return false;
    }

    /** "Mark Parker": a common word that is a given name, followed by a dictionary surname that is not. */
    private static boolean surnameNext(String t, List<Word> w, int i) {
        if (i + 1 >= w.size() || !w.get(i).given()) {
            return false;
        }
        Word b = w.get(i + 1);
        return b.capital() && !b.cjk() && adjacent(t, w.get(i), b) && b.in(FAMILY) && !b.common();
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
        String fa = a.lower();
        String gb = b.lower();
        boolean plain = !COMMON.contains(fa) && !COMMON.contains(gb) && !FUNCTION.contains(fa) && !FUNCTION.contains(gb)
                && !CUES.contains(fa) && !ROLES.contains(fa) && !PLACE_HEADS.contains(fa) && !TITLES.contains(fa);
        // "Olsen, Håkon"; "Nwankwo, Ifeoma" (the given name known); "Dąbrowska, Ewa" (a feminine form)
        // after a label ("Customer: Papadaki, Ioanna"; "Employee: Holm-Christensen, Märta (EMP-…)") the shape is
        // enough, as it is for a run of capitalized words after one
        boolean names = plain && ((family(fa) && (GIVEN.contains(gb) || !b.upper() && nameEnds(t, b)))
                || (GIVEN.contains(gb) && !GIVEN.contains(fa) && nameEnds(t, b))
                || (!a.upper() && !b.upper() && labelBefore(t, w, i)));
        return names ? i + 1 : -1;
    }

    /** Self-introductions written before a CJK name inside the same run: 我是王芳, 我叫李娜. */
    private static final String[] CJK_INTRODUCTIONS = {"我是", "我叫", "我姓"};
    /**
     * Endings written after a CJK name inside the same run: honorifics (朱国强先生, 田中様, 김민준씨) and copulas
     * (강상훈입니다 "I am …", 田中と申します).
     */
    private static final String[] CJK_ENDINGS = {"先生", "女士", "小姐", "さん", "様", "さま", "氏", "씨", "님", "입니다",
        "이에요", "예요", "と申します", "です"};

    /**
     * Han or Hangul runs: a known family name followed by one to three characters, or family + space + given.
     * An honorific after the run (田中様), a copula (강상훈입니다) or an introduction before it (我是吴) makes a
     * run a name on its own: there the family name may stand alone and the given name need not be known.
     */
    private static int cjk(String t, List<Word> w, int i, List<Finding> out) {
        Word a = w.get(i);
        String s = a.lower();
        int aStart = a.start();
        int aEnd = a.end();
        boolean introduced = false;
        for (String p : CJK_INTRODUCTIONS) {
            if (s.length() > p.length() && s.startsWith(p)) {
                s = s.substring(p.length());
                aStart += p.length();
                introduced = true;
                break;
            }
        }
        String suffix = cjkSuffix(s);
        if (suffix != null) {
            s = s.substring(0, s.length() - suffix.length());
            aEnd -= suffix.length();
        }
        int len = s.length();
        if (aEnd < t.length() && (t.charAt(aEnd) == ':' || t.charAt(aEnd) == '：')) {
            return i + 1; // a field label: 연락처: 010…, 電話：
        }
        if (suffix == null && i + 1 < w.size() && w.get(i + 1).cjk() && w.get(i + 1).start() - a.end() == 1
                && (t.charAt(a.end()) == ' ' || t.charAt(a.end()) == '\u3000') && len <= 2 && FAMILY.contains(s)) {
            // family, a space (ASCII or ideographic), given: 佐藤 澪, 林　哲也様
            Word b = w.get(i + 1);
            String given = b.lower();
            String after = cjkSuffix(given);
            if (after != null) {
                given = given.substring(0, given.length() - after.length());
            }
            if (!given.isEmpty() && given.length() <= 3) {
                out.add(new Finding(DataClass.PERSON_NAME, aStart, b.end() - (after == null ? 0 : after.length()),
                        GIVEN.contains(given) || after != null ? 0.85 : 0.75, ID));
                return i + 2;
            }
        }
        boolean fam1 = len >= 2 && FAMILY.contains(s.substring(0, 1));
        boolean fam2 = len >= 3 && FAMILY.contains(s.substring(0, 2));
        if (len >= 1 && len <= 4 && (introduced
                || (suffix != null || signedBefore(t, w, i)) && (fam1 || fam2 || FAMILY.contains(s)))) {
            out.add(new Finding(DataClass.PERSON_NAME, aStart, aEnd, 0.8, ID));
        } else if (len >= 2 && len <= 4 && (fam1 || fam2)) {
            // a family name first is common in CJK words too (金额 "amount", 이메일 "e-mail"): a given name the
            // dictionary knows, or context, must vouch for the rest
            String rest = fam2 ? s.substring(2) : s.substring(1);
            if (GIVEN.contains(rest) || (fam2 && GIVEN.contains(s.substring(1)))) {
                out.add(new Finding(DataClass.PERSON_NAME, aStart, aEnd, 0.85, ID));
            } else if (labelBefore(t, w, i) || cueBefore(t, w, i) || titleBefore(t, w, i) || greetingBefore(t, w, i)
                    || signedBefore(t, w, i)) {
                out.add(new Finding(DataClass.PERSON_NAME, aStart, aEnd, 0.6, ID));
            }
        }
        return i + 1;
    }

    /** The honorific or copula a CJK run ends with, leaving at least one character before it; or null. */
    private static String cjkSuffix(String s) {
        for (String h : CJK_ENDINGS) {
            if (s.length() > h.length() && s.endsWith(h)) {
                return h;
            }
        }
        return null;
    }

    private static boolean adjacent(String t, Word a, Word b) {
        int gap = b.start() - a.end();
        if (gap < 1 || gap > 2) {
            return false;
        }
        boolean initialDot = gap == 2 && a.end() - a.start() == 1 && t.charAt(a.end()) == '.';
        // one space, or the dot of an initial and a space (J. R. R. Tolkien); two spaces part the columns of a
        // table or a form ("Northwind Traders Ltd  Payment date"), not the words of one name
        return initialDot ? t.charAt(a.end() + 1) == ' ' : gap == 1 && t.charAt(a.end()) == ' ';
    }

    private static boolean titleBefore(String t, List<Word> w, int i) {
        if (i == 0) {
            return false;
        }
        Word p = w.get(i - 1);
        if (w.get(i).start() - p.end() > 2 || (p.start() > 0 && Character.isLetterOrDigit(t.charAt(p.start() - 1)))) {
            return false; // "3078MX Rotterdam": letters glued to a code are no title
        }
        for (int k = p.end(); k < w.get(i).start(); k++) {
            if (t.charAt(k) != ' ' && t.charAt(k) != '.') {
                return false; // "…@yahoo.com.mx>\nDate:": a title and its name share a line
            }
        }
        if (!p.in(TITLES)) {
            // Italian feminine and plural forms write their ending after the dot: Dott.ssa, Sig.ra, Gent.mo
            return i >= 2 && !p.capital() && p.end() - p.start() <= 3 && p.start() > 0 && t.charAt(p.start() - 1) == '.'
                    && w.get(i - 2).end() + 1 == p.start() && w.get(i - 2).in(TITLES);
        }
        // short titles (M, Fr, Hr, Sr) count only with their dot: "Fr. Müller", not "fr>" in a header
        // British usage drops the dot of "Mr", "Dr"; Russian abbreviates with a hyphen: г-н Кузнецов
        return p.end() - p.start() > 3 || (p.end() < t.length() && t.charAt(p.end()) == '.') || p.lower().indexOf('-') > 0
                || p.capital() && p.in(STRONG_TITLES) && (p.start() == 0 || t.charAt(p.start() - 1) != '.');
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

    /**
     * A name standing alone ends where its sentence, line or cell does, or where a bracket or an e-mail address
     * follows: "Dear Olusegun," / "Hi Ana!" / "Employee: Trần (EMP-11905)" / "| Alabi, Oladipo |".
     */
    private static boolean nameEnds(String t, Word a) {
        int e = a.end();
        if (e >= t.length()) {
            return true;
        }
        char c = t.charAt(e);
        if (c == ',' || c == '!' || c == '\n' || c == '.' || c == ';' || c == '\r' || c == '\t' || c == '|' || c == ')'
                || c == '"' || c == '&') {
            return true; // a quoted or query value ends there: "first_name":"Yuki", billTo_firstName=Kwame&…
        }
        if (c != ' ' || e + 1 >= t.length()) {
            return c == ' ';
        }
        char d = t.charAt(e + 1);
        return d == '(' || d == '<' || d == '|' || d == '—' || d == '\n';
    }

    /**
     * A signature: a sign-off and a comma before the word ("signed, Moreau", "Cheers,\nLê"), or a dash before it
     * with the word closing its line or the text ("… 41017 Sevilla. — Mori").
     */
    private static boolean signedBefore(String t, List<Word> w, int i) {
        int s = w.get(i).start();
        if (s >= 2 && t.charAt(s - 1) == ' ' && (t.charAt(s - 2) == '—' || t.charAt(s - 2) == '–')) {
            int e = w.get(i).end();
            while (e < t.length() && (t.charAt(e) == '.' || t.charAt(e) == '!' || t.charAt(e) == ' ')) {
                e++;
            }
            return e >= t.length() || t.charAt(e) == '\n' || t.charAt(e) == '\r';
        }
        if (i == 0) {
            return false;
        }
        Word p = w.get(i - 1);
        int gap = s - p.end();
        if (gap < 2 || gap > 3 || t.charAt(p.end()) != ',' || !t.startsWith(gap == 2 ? " " : "\r\n", p.end() + 1)
                && !(gap == 2 && t.charAt(p.end() + 1) == '\n')) {
            return false;
        }
        String sign = lowerOf(t, p);
        return SIGN_OFFS.contains(sign) || sign.equals("signed");
    }

    private static boolean greetingBefore(String t, List<Word> w, int i) {
        return i > 0 && GREETINGS.contains(lowerOf(t, w.get(i - 1)));
    }

    private static boolean cueBefore(String t, List<Word> w, int i) {
        if (i == 0 || w.get(i).start() - w.get(i - 1).end() > 3) {
            return false;
        }
        String p = lastPart(lowerOf(t, w.get(i - 1)));
        return CUES.contains(p) || TITLES.contains(p) || ROLES.contains(p);
    }

    private static boolean cueAfter(List<Word> w, int last) {
        return last + 1 < w.size() && w.get(last + 1).in(AFTER);
    }

    /**
     * Family names written with a lower-case article: Arabic and Berber al-Rashid, el-Masri, ben-Ali; French and
     * Italian elided d'Aubigné, dell'Acqua.
     */
    private static boolean particlePrefixed(String t, int s, int e) {
        if ("aeubiodl".indexOf(t.charAt(s)) < 0) {
            return false; // no article starts otherwise: the common case, decided by one character
        }
        int dash = -1;
        for (int k = s; k < e && k - s <= 4; k++) {
            if (t.charAt(k) == '-' || t.charAt(k) == '\'' || t.charAt(k) == '’') {
                dash = k;
                break;
            }
        }
        if (dash < 0 || dash + 1 >= e || !Character.isUpperCase(t.charAt(dash + 1))) {
            return false;
        }
        String p = t.substring(s, dash);
        if (t.charAt(dash) != '-') {
            return p.equals("d") || p.equals("l") || p.equals("dell") || p.equals("dall") || p.equals("all");
        }
        return p.equals("al") || p.equals("el") || p.equals("ul") || p.equals("bin") || p.equals("ibn")
                || p.equals("ben") || p.equals("abu") || p.equals("ould") || p.equals("ag") || p.equals("as");
    }

    /**
     * A name needs a word of two or more letters that starts with a capital (a lone capital is an initial, and an
     * initial alone is never a name), or a letter above ASCII: accented capitals and the scripts without case.
     * Timestamps ("2026-11-07T02:26:02Z"), codes ("T-0090403") and lower-case values are turned away here.
     */
    private static boolean mayHoldName(String t) {
        int n = t.length();
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (i + 1 < n) {
                    char d = t.charAt(i + 1);
                    if (d >= 0x80 || ((d | 0x20) >= 'a' && (d | 0x20) <= 'z')) {
                        return true;
                    }
                }
            } else if (c >= 0xc0 && (Character.isLetter(c) || Character.isSurrogate(c))) {
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
        List<Word> out = new ArrayList<>(t.length() / 5 + 4); // about one word per five characters of prose: no regrowth
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
                if (q < 0x80 && q != '\'' && q != '-') {
                    break; // ASCII other than letters, apostrophes and hyphens ends every word
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
            int e = i;
            if (!cjk && e - s >= 4 && t.charAt(e - 1) == 's' && (t.charAt(e - 2) == '\'' || t.charAt(e - 2) == '’')) {
                e -= 2; // the possessive is not part of the name: Lambrakis's laptop
            }
            int first = t.codePointAt(s);
            boolean uncased = !cjk && !Character.isLowerCase(first) && !Character.isUpperCase(first)
                    && !Character.isTitleCase(first);
            boolean capital = Character.isUpperCase(first) || Character.isTitleCase(first) || uncased;
            if (!capital && !cjk) {
                capital = particlePrefixed(t, s, e); // al-Rashid, el-Masri, bin-Salman
            }
            boolean upper = false;
            if (capital && !cjk && e - s >= 2 && Character.isUpperCase(first)) {
                upper = true;
                for (int k = s + 1; k < e && upper; k++) {
                    upper = !Character.isLowerCase(t.charAt(k));
                }
            }
            out.add(new Word(t, s, e, capital, cjk, upper, uncased));
        }
        return out;
    }
}
