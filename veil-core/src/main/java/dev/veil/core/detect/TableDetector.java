package dev.veil.core.detect;

import dev.veil.core.classify.NameHeuristics;
import dev.veil.core.policy.DataClass;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cells of tables inside text, classified by their column's header: delimited tables with a header line (CSV,
 * TSV, pipe- and semicolon-separated) and SQL {@code INSERT INTO t (columns) VALUES (...)}. A cell under a
 * {@code first_name}, {@code dob}, {@code phone} or {@code address} column is PII even where its content alone
 * says too little ("Ngozi", "1989-12-28", "0701196016"). Header names are read by the same
 * {@link NameHeuristics} that classify JSON field names, so one vocabulary serves both.
 *
 * <p>Only the classes whose content detectors need context are emitted from columns (names, dates of birth,
 * addresses, phones, SSNs); the rest are found by their content anyway. Each cell must also look like its class
 * (a name has no digits, a date of birth has a year), so a mislabeled column flags nothing. Linear: every line is
 * split once.
 */
final class TableDetector implements Detector {
    static final String ID = "table-column";
    private static final NameHeuristics HEURISTICS = new NameHeuristics();
    private static final int MAX_COLUMNS = 64;
    private static final int MAX_HEADER_CELL = 40;
    /** Person-holder words that, as a column header, hold something else than a name. */
    private static final Set<String> NOT_NAME_COLUMNS = Set.of("account", "profile", "lead", "user", "member");
    private static final Set<String> NON_VALUES = Set.of("null", "none", "n/a", "na", "nil", "unknown", "-", "",
            "undefined", "redacted", "true", "false");
    private static final char[] DELIMITERS = {'\t', '|', ';', ','};

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void detect(String t, List<Finding> out) {
        boolean newline = false;
        boolean paren = false;
        for (int i = 0, n = t.length(); i < n; i++) {
            char c = t.charAt(i);
            if (c == '\n') {
                newline = true;
            } else if (c == '(') {
                paren = true;
            }
        }
        if (paren) {
            inserts(t, out);
        }
        if (newline) {
            delimited(t, out);
        }
    }

    // ---- delimited tables ------------------------------------------------------------------------------------

    private static void delimited(String t, List<Finding> out) {
        int n = t.length();
        int[] cs = new int[MAX_COLUMNS];
        int[] ce = new int[MAX_COLUMNS];
        DataClass[] columns = null;
        char delim = 0;
        int pos = 0;
        while (pos < n) {
            int eol = t.indexOf('\n', pos);
            int lineEnd = eol < 0 ? n : eol;
            int contentEnd = lineEnd > pos && t.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            if (columns != null) {
                int cells = split(t, pos, contentEnd, delim, cs, ce);
                if (cells == columns.length) {
                    for (int k = 0; k < cells; k++) {
                        if (columns[k] != null) {
                            cell(t, cs[k], ce[k], columns[k], out);
                        }
                    }
                } else {
                    columns = null; // the table ended; this line may start another
                }
            }
            if (columns == null) {
                delim = delimiterOf(t, pos, contentEnd);
                if (delim != 0) {
                    int cells = split(t, pos, contentEnd, delim, cs, ce);
                    columns = header(t, cs, ce, cells);
                }
            }
            pos = lineEnd + 1;
        }
    }

    /** The delimiter that occurs most on the line (tab, pipe, semicolon, comma), or 0 for none. */
    private static char delimiterOf(String t, int from, int to) {
        int[] counts = new int[DELIMITERS.length];
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            for (int d = 0; d < DELIMITERS.length; d++) {
                if (c == DELIMITERS[d]) {
                    counts[d]++;
                }
            }
        }
        int best = -1;
        for (int d = 0; d < DELIMITERS.length; d++) {
            if (counts[d] > 0 && (best < 0 || counts[d] > counts[best])) {
                best = d;
            }
        }
        return best < 0 ? 0 : DELIMITERS[best];
    }

    /**
     * Splits {@code [from, to)} at {@code delim} outside double quotes; each cell's bounds exclude surrounding blanks
     * and quotes. Returns the number of cells, or -1 when there are more than {@link #MAX_COLUMNS}.
     */
    private static int split(String t, int from, int to, char delim, int[] cs, int[] ce) {
        int cells = 0;
        int i = from;
        while (i <= to) {
            if (cells == MAX_COLUMNS) {
                return -1;
            }
            int s = i;
            while (s < to && t.charAt(s) == ' ') {
                s++;
            }
            int e;
            int next;
            if (s < to && t.charAt(s) == '"') {
                // quoted: up to the closing quote ("" is an escaped quote)
                int q = s + 1;
                while (q < to) {
                    if (t.charAt(q) == '"') {
                        if (q + 1 < to && t.charAt(q + 1) == '"') {
                            q += 2;
                            continue;
                        }
                        break;
                    }
                    q++;
                }
                cs[cells] = s + 1;
                ce[cells] = Math.min(q, to);
                int d = q + 1;
                while (d < to && t.charAt(d) != delim) {
                    d++;
                }
                next = d + 1;
            } else {
                int d = s;
                while (d < to && t.charAt(d) != delim) {
                    d++;
                }
                e = d;
                while (e > s && t.charAt(e - 1) == ' ') {
                    e--;
                }
                cs[cells] = s;
                ce[cells] = e;
                next = d + 1;
            }
            cells++;
            i = next;
        }
        return cells;
    }

    /** The classes of a header line's columns, or null when it is not a header with a column worth reading. */
    private static DataClass[] header(String t, int[] cs, int[] ce, int cells) {
        if (cells < 2) {
            return null;
        }
        String[] names = new String[cells];
        for (int k = 0; k < cells; k++) {
            int len = ce[k] - cs[k];
            if (len == 0 || len > MAX_HEADER_CELL || !identifier(t, cs[k], ce[k])) {
                return null;
            }
            names[k] = t.substring(cs[k], ce[k]);
        }
        return classify(names, null);
    }

    private static boolean identifier(String t, int s, int e) {
        if (!Character.isLetter(t.charAt(s))) {
            return false;
        }
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ' ' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Column classes from header names. A bare {@code name} column is a person's when the table's own name says it
     * holds persons, or when another column holds PII; a column named for a person ({@code owner},
     * {@code customer}) holds a name.
     */
    private static DataClass[] classify(String[] names, String table) {
        DataClass[] columns = new DataClass[names.length];
        boolean pii = false;
        boolean any = false;
        int bare = -1;
        for (int k = 0; k < names.length; k++) {
            NameHeuristics.Verdict v = HEURISTICS.verdict(names[k]);
            DataClass c = v.dataClass();
            if (c != null) {
                pii = true;
            } else if (v.bareName()) {
                bare = k;
            } else if (v.holdsPerson() && !NOT_NAME_COLUMNS.contains(names[k].toLowerCase(Locale.ROOT))
                    && NameHeuristics.singleWord(names[k])) {
                c = DataClass.PERSON_NAME;
            }
            columns[k] = emitted(c) ? c : null;
            any |= columns[k] != null;
        }
        if (bare >= 0 && (pii || (table != null && HEURISTICS.verdict(table).holdsPerson()))) {
            columns[bare] = DataClass.PERSON_NAME;
            any = true;
        }
        return any ? columns : null;
    }

    private static boolean emitted(DataClass c) {
        return c == DataClass.PERSON_NAME || c == DataClass.DATE_OF_BIRTH || c == DataClass.STREET_ADDRESS
                || c == DataClass.PHONE || c == DataClass.US_SSN;
    }

    /** A finding for the cell {@code [s, e)} of a {@code c} column, when its content fits the class. */
    private static void cell(String t, int s, int e, DataClass c, List<Finding> out) {
        if (e - s < 2 || e - s > 120) {
            return;
        }
        int digits = 0;
        int letters = 0;
        boolean odd = false;
        for (int i = s; i < e; i++) {
            char ch = t.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digits++;
            } else if (Character.isLetter(ch)) {
                letters++;
            } else if (ch == '@' || ch == '=' || ch == '{' || ch == '<' || ch == '\\') {
                odd = true;
            }
        }
        if (odd) {
            return;
        }
        double score = 0;
        if (c == DataClass.PERSON_NAME) {
            score = letters >= 2 && digits == 0 && e - s <= 60 && !nonValue(t, s, e) && nameChars(t, s, e) ? 0.8 : 0;
        } else if (c == DataClass.DATE_OF_BIRTH) {
            score = digits >= 2 && e - s <= 30 && (yearIn(t, s, e) || digits >= 6) ? 0.85 : 0;
        } else if (c == DataClass.STREET_ADDRESS) {
            int space = t.indexOf(' ', s);
            score = letters >= 3 && digits >= 1 && space >= 0 && space < e ? 0.75 : 0;
        } else if (c == DataClass.PHONE) {
            score = digits >= 7 && digits <= 15 && letters == 0 && phoneChars(t, s, e) ? 0.8 : 0;
        } else if (c == DataClass.US_SSN) {
            score = letters == 0 && digits == 9 && ssn(t, s, e) ? 0.85 : 0;
        }
        if (score > 0) {
            out.add(new Finding(c, s, e, score, ID));
        }
    }

    private static boolean nonValue(String t, int s, int e) {
        return e - s <= 9 && NON_VALUES.contains(t.substring(s, e).toLowerCase(Locale.ROOT));
    }

    private static boolean nameChars(String t, int s, int e) {
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (!(Character.isLetter(c) || c == ' ' || c == '-' || c == '\'' || c == '’' || c == '.' || c == ','
                    || Character.getType(c) == Character.NON_SPACING_MARK || c == '\u3000')) {
                return false;
            }
        }
        return true;
    }

    private static boolean yearIn(String t, int s, int e) {
        int run = 0;
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            run = c >= '0' && c <= '9' ? run + 1 : 0;
            if (run == 4) {
                return true;
            }
        }
        return false;
    }

    private static boolean phoneChars(String t, int s, int e) {
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (!((c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'
                    || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean ssn(String t, int s, int e) {
        StringBuilder d = new StringBuilder(9);
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            } else if (c != '-' && c != ' ') {
                return false;
            }
        }
        return Validators.ssn(Integer.parseInt(d, 0, 3, 10), Integer.parseInt(d, 3, 5, 10), Integer.parseInt(d, 5, 9, 10));
    }

    // ---- SQL INSERT ------------------------------------------------------------------------------------------

    private static void inserts(String t, List<Finding> out) {
        int n = t.length();
        int from = 0;
        while (from < n) {
            int at = indexOfIgnoreCase(t, "insert into", from);
            if (at < 0) {
                return;
            }
            from = insert(t, at + 11, out);
        }
    }

    /** Reads one INSERT after its {@code INSERT INTO}; returns where to look for the next. */
    private static int insert(String t, int i, List<Finding> out) {
        int n = t.length();
        i = blanks(t, i);
        int tableStart = i;
        while (i < n && (Character.isLetterOrDigit(t.charAt(i)) || "_.`\"[]".indexOf(t.charAt(i)) >= 0)) {
            i++;
        }
        // quotes (`t`, "t", [t]) need no stripping: NameHeuristics splits names at every non-alphanumeric
        String table = t.substring(tableStart, i);
        int dot = table.lastIndexOf('.');
        table = dot >= 0 ? table.substring(dot + 1) : table;
        i = blanks(t, i);
        if (i >= n || t.charAt(i) != '(') {
            return i;
        }
        int close = t.indexOf(')', i);
        if (close < 0 || close - i > 4096) {
            return i + 1;
        }
        String[] names = t.substring(i + 1, close).split(",", MAX_COLUMNS + 1);
        if (names.length > MAX_COLUMNS) {
            return close;
        }
        for (int k = 0; k < names.length; k++) {
            names[k] = names[k].strip();
            if (names[k].isEmpty()) {
                return close;
            }
        }
        DataClass[] columns = classify(names, table);
        i = blanks(t, close + 1);
        if (columns == null || !t.regionMatches(true, i, "values", 0, 6)) {
            return i;
        }
        i = blanks(t, i + 6);
        // one or more tuples: (v, v, ...), (v, ...)
        while (i < n && t.charAt(i) == '(') {
            i = tuple(t, i + 1, columns, out);
            if (i < 0) {
                return n;
            }
            i = blanks(t, i);
            if (i < n && t.charAt(i) == ',') {
                i = blanks(t, i + 1);
            }
        }
        return i;
    }

    /** Reads one value tuple from after its "("; returns the index after its ")", or -1 when it is malformed. */
    private static int tuple(String t, int i, DataClass[] columns, List<Finding> out) {
        int n = t.length();
        int k = 0;
        while (i < n) {
            i = blanks(t, i);
            if (i >= n) {
                return -1;
            }
            char c = t.charAt(i);
            int end;
            if (c == '\'') {
                int s = i + 1;
                int q = s;
                while (q < n) {
                    char d = t.charAt(q);
                    if (d == '\\') {
                        q += 2;
                        continue;
                    }
                    if (d == '\'') {
                        if (q + 1 < n && t.charAt(q + 1) == '\'') {
                            q += 2;
                            continue;
                        }
                        break;
                    }
                    q++;
                }
                if (q >= n) {
                    return -1;
                }
                if (k < columns.length && columns[k] != null) {
                    cell(t, s, q, columns[k], out);
                }
                end = q + 1;
            } else {
                end = i;
                int depth = 0;
                while (end < n && (depth > 0 || (t.charAt(end) != ',' && t.charAt(end) != ')'))) {
                    char d = t.charAt(end);
                    depth += d == '(' ? 1 : d == ')' ? -1 : 0;
                    end++;
                }
            }
            k++;
            end = blanks(t, end);
            if (end >= n) {
                return -1;
            }
            if (t.charAt(end) == ')') {
                return end + 1;
            }
            if (t.charAt(end) != ',') {
                return -1;
            }
            i = end + 1;
        }
        return -1;
    }

    private static int blanks(String t, int i) {
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int indexOfIgnoreCase(String t, String w, int from) {
        char lo = w.charAt(0);
        char up = Character.toUpperCase(lo);
        for (int i = from, last = t.length() - w.length(); i <= last; i++) {
            char c = t.charAt(i);
            if ((c == lo || c == up) && t.regionMatches(true, i, w, 0, w.length())) {
                return i;
            }
        }
        return -1;
    }
}
