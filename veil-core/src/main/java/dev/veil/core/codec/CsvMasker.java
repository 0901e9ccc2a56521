package dev.veil.core.codec;

import dev.veil.core.codec.RecordException.Reason;
import dev.veil.core.engine.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Masks CSV or TSV rows (RFC 4180 quoting) whose columns are named by a header or a column list. A column name is a
 * field path ({@code customer.email} is the member {@code email} of {@code customer}), so path rules, field-name
 * heuristics and content scanning of unruled cells work as for JSON. A dropped column disappears from the segment's
 * rows and from its {@linkplain #outputHeader header}; a nullified cell is empty. Cells nothing changes keep their
 * bytes and quoting.
 *
 * <p>A row must have exactly one cell per column: a shifted row would put one column's value under another's rule,
 * so it is refused, as are unterminated quotes and stray quotes. Not thread-safe.
 */
public final class CsvMasker extends TextViews {
    private final List<String> columns;
    private final char delimiter;
    private final FieldPlan[] plans;
    private final String[] headers;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private boolean[] quoted = new boolean[16];
    private final boolean[] first;

    private CsvMasker(Plan plan, List<String> columns, char delimiter) {
        super(plan);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a CSV masker needs at least one column name");
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        this.columns = List.copyOf(columns);
        this.delimiter = delimiter;
        this.plans = new FieldPlan[columns.size()];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = FieldPlan.of(plan, Arrays.asList(columns.get(i).split("\\.", -1)));
        }
        this.first = new boolean[segs];
        this.headers = new String[segs];
        for (int s = 0; s < segs; s++) {
            StringBuilder h = new StringBuilder();
            for (int i = 0; i < plans.length; i++) {
                if ((plans[i].dropped >>> s & 1) == 0) {
                    if (h.length() > 0) {
                        h.append(delimiter);
                    }
                    quote(h, columns.get(i));
                }
            }
            headers[s] = h.toString();
        }
    }

    /**
     * Compiles a masker for rows with these columns.
     *
     * @param delimiter {@code ','} for CSV, {@code '\t'} for TSV
     */
    public static CsvMasker compile(Plan plan, List<String> columns, char delimiter) {
        return new CsvMasker(plan, columns, delimiter);
    }

    /** The column names of a header row. */
    public static List<String> header(String line, char delimiter) throws RecordException {
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1); // a byte-order mark would hide the first column's name from every rule
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        int max = line.length() + 1;
        int[] s = new int[max];
        int[] e = new int[max];
        boolean[] q = new boolean[max];
        int n = split(line, delimiter, s, e, q);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(unquote(line, s[i], e[i], q[i]));
        }
        return names;
    }

    public List<String> columns() {
        return columns;
    }

    /** Segment {@code s}'s header row: the columns it keeps. */
    public String outputHeader(int s) {
        return headers[s];
    }

    /** The class each column gets (null: unclassified), in column order. */
    public List<String> classification() {
        List<String> l = new ArrayList<>();
        for (FieldPlan p : plans) {
            l.add(p.cls == null ? null : p.cls.name());
        }
        return l;
    }

    @Override
    void maskLine(String line) throws RecordException {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (starts.length < line.length() + 1) {
            int n = line.length() + 1;
            starts = new int[n];
            ends = new int[n];
            quoted = new boolean[n];
        }
        int n = split(line, delimiter, starts, ends, quoted);
        if (n != plans.length) {
            throw new RecordException(Reason.MALFORMED, "row has " + n + " cells; there are " + plans.length
                    + " columns");
        }
        Arrays.fill(first, true);
        for (int i = 0; i < n; i++) {
            FieldPlan f = plans[i];
            if (ends[i] > starts[i]) {
                count(f); // an empty cell holds no value
            }
            String v = f.passthrough ? null : unquote(line, starts[i], ends[i], quoted[i]);
            for (int s = 0; s < segs; s++) {
                if (f.kind[s] == FieldPlan.Kind.DROP) {
                    omitted(s);
                    continue;
                }
                StringBuilder t = text[s];
                if (!first[s]) {
                    t.append(delimiter);
                }
                first[s] = false;
                CharSequence out = v == null ? null : valueFor(f, s, v);
                if (out == null) {
                    t.append(line, starts[i], ends[i]);
                } else {
                    quote(t, out);
                }
            }
        }
    }

    /** Splits a row into raw cell spans (quotes included); returns the number of cells. */
    private static int split(String line, char delimiter, int[] starts, int[] ends, boolean[] quoted)
            throws RecordException {
        int n = 0;
        int i = 0;
        int len = line.length();
        while (true) {
            starts[n] = i;
            if (i < len && line.charAt(i) == '"') {
                quoted[n] = true;
                int j = i + 1;
                while (true) {
                    if (j >= len) {
                        throw new RecordException(Reason.TRUNCATED, "quoted cell " + (n + 1) + " is not closed");
                    }
                    if (line.charAt(j) == '"') {
                        if (j + 1 < len && line.charAt(j + 1) == '"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                i = j + 1;
                if (i < len && line.charAt(i) != delimiter) {
                    throw new RecordException(Reason.MALFORMED, "cell " + (n + 1) + " has text after its closing quote");
                }
            } else {
                quoted[n] = false;
                while (i < len && line.charAt(i) != delimiter) {
                    if (line.charAt(i) == '"') {
                        throw new RecordException(Reason.MALFORMED, "cell " + (n + 1)
                                + " has a quote inside an unquoted value");
                    }
                    i++;
                }
            }
            ends[n] = i;
            n++;
            if (i >= len) {
                return n;
            }
            i++; // the delimiter
        }
    }

    private static String unquote(String line, int start, int end, boolean quoted) {
        if (!quoted) {
            return line.substring(start, end);
        }
        return line.substring(start + 1, end - 1).replace("\"\"", "\"");
    }

    private void quote(StringBuilder t, CharSequence v) {
        boolean needs = false;
        for (int i = 0; i < v.length() && !needs; i++) {
            char c = v.charAt(i);
            needs = c == delimiter || c == '"' || c == '\n' || c == '\r';
        }
        if (!needs) {
            t.append(v);
            return;
        }
        t.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                t.append('"');
            }
            t.append(c);
        }
        t.append('"');
    }
}
