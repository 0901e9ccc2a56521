package dev.veil.core.codec;

import dev.veil.core.engine.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a JSON record with the same strict scanner as the masker and reports every scalar with its path, for
 * analysis (detect, scan) rather than masking. Paths are dotted member names with array positions:
 * {@code items[2].card}, or {@code items[*].card} when the walker generalizes indices.
 */
public final class JsonWalker {
    /** The kind of a scalar. */
    public enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    /** Receives each scalar in document order. */
    public interface Visitor {
        /**
         * @param path  the scalar's path ("" for a record that is a bare scalar); valid during the call only
         * @param name  the nearest member name (the array's name for elements), or null at the top
         * @param value strings decoded; numbers and literals as written
         */
        void scalar(CharSequence path, String name, Kind kind, String value);
    }

    private final JsonLexer lx = new JsonLexer();
    private final int maxBytes;
    private final int maxDepth;
    private final boolean generalize;
    private final StringBuilder path = new StringBuilder(64);
    private final java.util.ArrayList<String> steps = new java.util.ArrayList<>();
    private final java.util.List<String> stepsView = java.util.Collections.unmodifiableList(steps);
    private int[] stepLen = new int[16];
    private int[] pathLen = new int[16];
    private int[] index = new int[16];
    private boolean[] object = new boolean[16];
    private String[] names = new String[16];
    private String name;

    /** @param generalize write {@code [*]} instead of element positions */
    public JsonWalker(Limits limits, boolean generalize) {
        this.maxBytes = limits.maxRecordBytes();
        this.maxDepth = limits.maxDepth();
        this.generalize = generalize;
    }

    /**
     * The member names from the root to the current scalar (array elements are not steps), as path rules see
     * them; valid during a {@link Visitor#scalar} call only.
     */
    public java.util.List<String> steps() {
        return stepsView;
    }

    public void walk(byte[] buf, int off, int len, Visitor v) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(RecordException.Reason.TOO_LARGE,
                    "record of " + len + " bytes is larger than the limit of " + maxBytes);
        }
        int end = off + len;
        lx.reset(buf, off, end);
        path.setLength(0);
        steps.clear();
        name = null;
        int p = lx.ws(off);
        if (p >= end) {
            throw new RecordException(RecordException.Reason.INVALID_JSON, "empty record");
        }
        int depth = 0;
        boolean expectValue = true;
        while (true) {
            if (expectValue) {
                if (p >= end) {
                    throw lx.truncated();
                }
                byte c = buf[p];
                if (c == '{' || c == '[') {
                    if (depth + 1 > maxDepth) {
                        throw new RecordException(RecordException.Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
                    }
                    push(depth, c == '{');
                    depth++;
                    p = lx.ws(p + 1);
                    if (p >= end) {
                        throw lx.truncated();
                    }
                    if (buf[p] == (c == '{' ? '}' : ']')) {
                        depth--;
                        p++;
                        expectValue = false;
                    } else if (c == '{') {
                        p = member(p, depth);
                    } else {
                        element(depth);
                    }
                    continue;
                }
                int ve;
                Kind kind;
                String value;
                if (c == '"') {
                    ve = lx.stringEnd(p);
                    kind = Kind.STRING;
                    value = lx.stringValue(p, ve, lx.escaped);
                } else {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        ve = lx.numberEnd(p);
                        kind = Kind.NUMBER;
                    } else if (c == 't' || c == 'f') {
                        ve = lx.literal(p, c == 't' ? "true" : "false");
                        kind = Kind.BOOLEAN;
                    } else if (c == 'n') {
                        ve = lx.literal(p, "null");
                        kind = Kind.NULL;
                    } else {
                        throw lx.unexpected(p);
                    }
                    value = new String(buf, p, ve - p, StandardCharsets.ISO_8859_1);
                }
                v.scalar(path, name, kind, value);
                p = ve;
                expectValue = false;
            } else {
                p = lx.afterValue(p, depth == 0);
                if (depth == 0) {
                    return;
                }
                byte c = buf[p];
                boolean obj = object[depth - 1];
                if (c == ',') {
                    p = lx.ws(p + 1);
                    if (obj) {
                        p = member(p, depth);
                    } else {
                        element(depth);
                    }
                    expectValue = true;
                } else if (c == (obj ? '}' : ']')) {
                    depth--;
                    path.setLength(pathLen[depth]);
                    truncate(stepLen[depth]);
                    name = names[depth];
                    p++;
                } else {
                    throw lx.unexpected(p);
                }
            }
        }
    }

    private void push(int depth, boolean obj) {
        if (depth >= object.length) {
            int n = depth * 2;
            pathLen = Arrays.copyOf(pathLen, n);
            stepLen = Arrays.copyOf(stepLen, n);
            index = Arrays.copyOf(index, n);
            object = Arrays.copyOf(object, n);
            names = Arrays.copyOf(names, n);
        }
        pathLen[depth] = path.length();
        stepLen[depth] = steps.size();
        index[depth] = -1;
        object[depth] = obj;
        names[depth] = name;
    }

    /** Reads a member name at {@code p}, sets the path to it, and returns the position of its value. */
    private int member(int p, int depth) throws RecordException {
        if (p >= lx.end) {
            throw lx.truncated();
        }
        if (lx.buf[p] != '"') {
            throw lx.unexpected(p);
        }
        int ke = lx.stringEnd(p);
        String key = lx.stringValue(p, ke, lx.escaped);
        path.setLength(pathLen[depth - 1]);
        if (path.length() > 0) {
            path.append('.');
        }
        path.append(key);
        truncate(stepLen[depth - 1]);
        steps.add(key);
        name = key;
        return lx.colon(ke);
    }

    private void truncate(int size) {
        while (steps.size() > size) {
            steps.remove(steps.size() - 1);
        }
    }

    private void element(int depth) {
        truncate(stepLen[depth - 1]);
        int i = ++index[depth - 1];
        path.setLength(pathLen[depth - 1]);
        if (generalize) {
            path.append("[*]");
        } else {
            path.append('[').append(i).append(']');
        }
        name = names[depth - 1]; // the array's own member name
    }
}
