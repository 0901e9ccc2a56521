package dev.veil.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.veil.core.action.Action;
import dev.veil.core.action.ValueOut;
import dev.veil.core.classify.NameHeuristics;
import dev.veil.core.classify.PathAutomaton;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.ScanSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Masks JSON records for every segment of a plan in one streaming pass (Jackson's {@link JsonParser}, no
 * tree). Bytes that need no change are copied from the input untouched; only replaced values are written.
 *
 * <p>Classification of each value, strongest first: a path rule on its own path (including NONE); a path
 * rule on an enclosing object or array, whose class every value inside inherits; the field-name heuristics;
 * then content detection over strings ({@code scan.strings}). Values of one class get that class's action
 * per segment; detected spans inside a string are replaced one by one and the rest of the text is kept.
 *
 * <p>Not thread-safe: use one per thread. {@link #mask} returns views that stay valid until the next call.
 */
public final class JsonMasker {
    private static final byte RANK_NONE = 0;
    private static final byte RANK_HEURISTIC = 1;
    private static final byte RANK_RULE = 2;

    private final Plan plan;
    private final int segs;
    private final JsonFactory factory;
    private final NameHeuristics heuristics;
    private final DetectorSet detectors;
    private final boolean scanAll;
    private final int maxDepth;
    private final int maxBytes;
    private final PathAutomaton.State start;

    private final Views views;
    private final ByteSink[] repl;
    private final ByteSink[] out;
    private final boolean[] dropRecord;
    private final long[] classCounts;
    private final StringBuilder text = new StringBuilder(256);
    private final ValueOut textOut = new ValueOut() {
        @Override
        public void string(CharSequence s) {
            text.append(s);
        }

        @Override
        public void number(CharSequence s) {
            text.append(s);
        }

        @Override
        public void nul() {
            // a span replaced by "no value" is removed from the text
        }
    };

    // edits: byte range + per segment replacement (rLen -1: keep, 0 with rOff -1: delete)
    private int edits;
    private int[] eStart = new int[32];
    private int[] eEnd = new int[32];
    private int[] rOff;
    private int[] rLen;
    private int[] order = new int[32];

    // the container stack
    private PathAutomaton.State[] fState;
    private DataClass[] fCls;
    private byte[] fRank;
    private String[] fName;
    private int[] fEntry;
    private boolean[] fObject;

    // the member whose value comes next
    private String pName;
    private PathAutomaton.State pState;
    private DataClass pCls;
    private byte pRank;

    private byte[] buf;
    private int off;
    private int end;

    public JsonMasker(Plan plan) {
        this.plan = plan;
        this.segs = plan.segments().size();
        this.maxDepth = plan.limits().maxDepth();
        this.maxBytes = plan.limits().maxRecordBytes();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxStringLength(maxBytes)
                        .maxNumberLength(1000)
                        .maxDocumentLength(maxBytes)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
        this.heuristics = plan.heuristics();
        this.detectors = plan.detectors();
        this.scanAll = plan.scanStrings() == ScanSpec.Strings.ALL;
        this.start = plan.paths().start();
        this.views = new Views(segs);
        this.repl = new ByteSink[segs];
        this.out = new ByteSink[segs];
        for (int s = 0; s < segs; s++) {
            repl[s] = new ByteSink(256);
            out[s] = new ByteSink(1024);
        }
        this.dropRecord = new boolean[segs];
        this.classCounts = new long[plan.policy().classTable().size()];
        this.rOff = new int[32 * segs];
        this.rLen = new int[32 * segs];
        int frames = Math.min(maxDepth + 2, 64);
        fState = new PathAutomaton.State[frames];
        fCls = new DataClass[frames];
        fRank = new byte[frames];
        fName = new String[frames];
        fEntry = new int[frames];
        fObject = new boolean[frames];
    }

    public Plan plan() {
        return plan;
    }

    /** Values found per class id since this masker was made (declared, heuristic and detected). */
    public long[] classCounts() {
        return classCounts;
    }

    /** Masks {@code buf[off, off+len)}, one JSON value, for every segment of the plan. */
    public Views mask(byte[] buf, int off, int len) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(RecordException.Reason.TOO_LARGE,
                    "record of " + len + " bytes is larger than the limit of " + maxBytes);
        }
        int bad = Utf8.firstInvalid(buf, off, len);
        if (bad >= 0) {
            throw new RecordException(RecordException.Reason.INVALID_UTF8, "invalid UTF-8 at byte " + (bad - off));
        }
        this.buf = buf;
        this.off = off;
        this.end = off + len;
        edits = 0;
        Arrays.fill(dropRecord, false);
        for (ByteSink r : repl) {
            r.reset();
        }
        try (JsonParser p = factory.createParser(buf, off, len)) {
            walk(p);
        } catch (RecordException e) {
            throw e;
        } catch (JsonEOFException e) {
            throw new RecordException(RecordException.Reason.TRUNCATED, "truncated JSON: input ends inside a value");
        } catch (StreamConstraintsException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.contains("nesting depth")) {
                throw new RecordException(RecordException.Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
            }
            throw new RecordException(RecordException.Reason.LIMIT, "a value exceeds a parser limit (string, number"
                    + " or name length)");
        } catch (JsonParseException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new RecordException(RecordException.Reason.INVALID_JSON, "invalid JSON"
                    + (at >= 0 ? " at byte " + at : ""));
        } catch (IOException | RuntimeException e) {
            throw new RecordException(RecordException.Reason.INTERNAL, "cannot read record: "
                    + e.getClass().getSimpleName());
        } catch (StackOverflowError e) {
            throw new RecordException(RecordException.Reason.TOO_DEEP, "record too deeply nested");
        }
        assemble();
        return views;
    }

    private void walk(JsonParser p) throws IOException, RecordException {
        int depth = 0;
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new RecordException(RecordException.Reason.INVALID_JSON, "empty record");
        }
        while (true) {
            switch (t) {
                case FIELD_NAME -> member(p.currentName(), depth);
                case START_OBJECT, START_ARRAY -> {
                    if (depth + 1 > maxDepth) {
                        throw new RecordException(RecordException.Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
                    }
                    openContainer(p, depth, t == JsonToken.START_OBJECT);
                    depth++;
                }
                case END_OBJECT, END_ARRAY -> {
                    depth--;
                    closeContainer(p, depth);
                }
                default -> scalar(p, t, depth);
            }
            if (depth == 0 && t != JsonToken.FIELD_NAME) {
                break;
            }
            t = p.nextToken();
            if (t == null) {
                throw new RecordException(RecordException.Reason.TRUNCATED, "truncated JSON: input ends inside a value");
            }
        }
        if (p.nextToken() != null) {
            throw new RecordException(RecordException.Reason.INVALID_JSON, "more than one JSON value in the record");
        }
    }

    private void ensureFrames(int depth) {
        if (depth >= fState.length) {
            int n = Math.min(Math.max(fState.length * 2, depth + 1), maxDepth + 2);
            fState = Arrays.copyOf(fState, n);
            fCls = Arrays.copyOf(fCls, n);
            fRank = Arrays.copyOf(fRank, n);
            fName = Arrays.copyOf(fName, n);
            fEntry = Arrays.copyOf(fEntry, n);
            fObject = Arrays.copyOf(fObject, n);
        }
    }

    /** Classifies the member {@code name} of the object at the top of the stack. */
    private void member(String name, int depth) {
        int f = depth - 1;
        PathAutomaton.State st = fState[f].next(name);
        FieldRule rule = st.rule();
        DataClass cls;
        byte rank;
        if (rule != null) {
            cls = rule.dataClass();
            rank = RANK_RULE;
        } else if (fRank[f] == RANK_RULE) {
            cls = fCls[f];
            rank = RANK_RULE;
        } else {
            DataClass h = heuristics == null ? null : heuristics.classify(fName[f], name);
            if (h != null) {
                cls = h;
                rank = RANK_HEURISTIC;
            } else {
                cls = fCls[f];
                rank = fRank[f];
            }
        }
        pName = name;
        pState = st;
        pCls = cls;
        pRank = rank;
    }

    private boolean inObject(int depth) {
        return depth > 0 && fObject[depth - 1];
    }

    private DataClass ctxClass(int depth) {
        if (depth == 0) {
            return null;
        }
        return fObject[depth - 1] ? pCls : fCls[depth - 1];
    }

    private void openContainer(JsonParser p, int depth, boolean object) throws RecordException {
        ensureFrames(depth);
        DataClass cls;
        byte rank;
        PathAutomaton.State st;
        String name;
        if (depth == 0) {
            cls = null;
            rank = RANK_NONE;
            st = start;
            name = null;
        } else if (fObject[depth - 1]) {
            cls = pCls;
            rank = pRank;
            st = pState;
            name = pName;
        } else {
            cls = fCls[depth - 1];
            rank = fRank[depth - 1];
            st = fState[depth - 1];
            name = fName[depth - 1];
        }
        fState[depth] = st;
        fCls[depth] = cls;
        fRank[depth] = rank;
        fName[depth] = name;
        fObject[depth] = object;
        fEntry[depth] = -1;
        if (cls != null && !cls.isNone()) {
            for (int s = 0; s < segs; s++) {
                if (plan.action(s, cls).kind() == Action.Kind.DROP_RECORD) {
                    dropRecord[s] = true;
                }
            }
            if (plan.anyDrop(cls)) {
                if (depth == 0) {
                    markDropRecordWhereDropped(cls);
                } else {
                    int vs = tokenStart(p);
                    fEntry[depth] = inObject(depth) ? keyStart(vs) : vs;
                }
            }
        }
    }

    private void closeContainer(JsonParser p, int depth) throws RecordException {
        int entry = fEntry[depth];
        if (entry >= 0) {
            int valueEnd = tokenStart(p) + 1;
            dropEntry(fCls[depth], entry, valueEnd);
        }
    }

    private void markDropRecordWhereDropped(DataClass cls) {
        for (int s = 0; s < segs; s++) {
            if (plan.action(s, cls).kind() == Action.Kind.DROP) {
                dropRecord[s] = true;
            }
        }
    }

    private void scalar(JsonParser p, JsonToken t, int depth) throws IOException, RecordException {
        DataClass cls = ctxClass(depth);
        boolean string = t == JsonToken.VALUE_STRING;
        if (cls != null && cls.isNone()) {
            return;
        }
        if (t == JsonToken.VALUE_NULL) {
            if (cls != null && plan.anyDrop(cls)) {
                dropScalar(p, cls, depth);
            }
            return;
        }
        String value = null;
        int edit = -1;
        boolean needScan = false;
        if (cls != null) {
            classCounts[cls.id()]++;
            boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
            for (int s = 0; s < segs; s++) {
                Action a = plan.action(s, cls);
                switch (a.kind()) {
                    case KEEP -> needScan |= string && scanAll;
                    case DROP_RECORD -> dropRecord[s] = true;
                    case DROP -> { }
                    case NULLIFY, REPLACE -> {
                        if (edit < 0) {
                            value = p.getText();
                            edit = valueEdit(p, t);
                        }
                        int mark = repl[s].len;
                        a.replace(value, number, repl[s]);
                        setReplacement(edit, s, mark);
                    }
                }
            }
            if (plan.anyDrop(cls)) {
                dropScalar(p, cls, depth);
            }
            if (!needScan) {
                return;
            }
        } else if (!string || detectors == null) {
            return;
        }
        if (value == null) {
            value = p.getText();
        }
        List<Finding> found = detectors.scan(value);
        if (found.isEmpty()) {
            return;
        }
        for (Finding f : found) {
            classCounts[f.dataClass().id()]++;
        }
        for (int s = 0; s < segs; s++) {
            if (cls != null && plan.action(s, cls).kind() != Action.Kind.KEEP) {
                continue;
            }
            text.setLength(0);
            int pos = 0;
            boolean changed = false;
            for (Finding f : found) {
                Action a = plan.action(s, f.dataClass());
                switch (a.kind()) {
                    case KEEP -> { }
                    case DROP_RECORD -> dropRecord[s] = true;
                    case DROP, NULLIFY -> {
                        text.append(value, pos, f.start());
                        pos = f.end();
                        changed = true;
                    }
                    case REPLACE -> {
                        text.append(value, pos, f.start());
                        a.replace(value.substring(f.start(), f.end()), false, textOut);
                        pos = f.end();
                        changed = true;
                    }
                }
            }
            if (changed) {
                text.append(value, pos, value.length());
                if (edit < 0) {
                    edit = valueEdit(p, t);
                }
                int mark = repl[s].len;
                repl[s].string(text);
                setReplacement(edit, s, mark);
            }
        }
    }

    private void dropScalar(JsonParser p, DataClass cls, int depth) throws RecordException {
        int vs = tokenStart(p);
        if (depth == 0) {
            markDropRecordWhereDropped(cls);
            return;
        }
        int entry = inObject(depth) ? keyStart(vs) : vs;
        dropEntry(cls, entry, scalarEnd(vs));
    }

    /** Deletes an object member or array element, with one adjacent comma, in the segments that drop {@code cls}. */
    private void dropEntry(DataClass cls, int entryStart, int valueEnd) {
        int from = entryStart;
        int to = valueEnd;
        int j = valueEnd;
        while (j < end && isWs(buf[j])) {
            j++;
        }
        if (j < end && buf[j] == ',') {
            to = j + 1;
        } else {
            int k = entryStart - 1;
            while (k >= off && isWs(buf[k])) {
                k--;
            }
            if (k >= off && buf[k] == ',') {
                from = k;
            }
        }
        int e = newEdit(from, to);
        for (int s = 0; s < segs; s++) {
            if (plan.action(s, cls).kind() == Action.Kind.DROP) {
                rOff[e * segs + s] = -1;
                rLen[e * segs + s] = 0;
            }
        }
    }

    private static boolean isWs(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private int valueEdit(JsonParser p, JsonToken t) {
        int vs = tokenStart(p);
        return newEdit(vs, scalarEnd(vs));
    }

    private void setReplacement(int edit, int s, int mark) {
        rOff[edit * segs + s] = mark;
        rLen[edit * segs + s] = repl[s].len - mark;
    }

    private int tokenStart(JsonParser p) {
        return off + (int) p.currentTokenLocation().getByteOffset();
    }

    /** The end of the scalar starting at {@code vs}: past the closing quote, the last digit, or the literal. */
    private int scalarEnd(int vs) {
        byte b = buf[vs];
        int i = vs + 1;
        if (b == '"') {
            while (i < end) {
                byte c = buf[i];
                if (c == '\\') {
                    i += 2;
                } else if (c == '"') {
                    return i + 1;
                } else {
                    i++;
                }
            }
            return end;
        }
        if (b == 't' || b == 'n') {
            return vs + 4;
        }
        if (b == 'f') {
            return vs + 5;
        }
        while (i < end) {
            byte c = buf[i];
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** The opening quote of the key of the member whose value starts at {@code vs}. */
    private int keyStart(int vs) throws RecordException {
        int k = vs - 1;
        while (k > off && isWs(buf[k])) {
            k--;
        }
        if (buf[k] != ':') {
            throw new RecordException(RecordException.Reason.INTERNAL, "cannot locate member key");
        }
        k--;
        while (k > off && isWs(buf[k])) {
            k--;
        }
        k--; // before the key's closing quote
        while (k >= off) {
            if (buf[k] == '"') {
                int j = k - 1;
                while (j >= off && buf[j] == '\\') {
                    j--;
                }
                if (((k - 1 - j) & 1) == 0) {
                    return k;
                }
            }
            k--;
        }
        throw new RecordException(RecordException.Reason.INTERNAL, "cannot locate member key");
    }

    private int newEdit(int from, int to) {
        if (edits == eStart.length) {
            int n = edits * 2;
            eStart = Arrays.copyOf(eStart, n);
            eEnd = Arrays.copyOf(eEnd, n);
            order = Arrays.copyOf(order, n);
            rOff = Arrays.copyOf(rOff, n * segs);
            rLen = Arrays.copyOf(rLen, n * segs);
        }
        int e = edits++;
        eStart[e] = from;
        eEnd[e] = to;
        Arrays.fill(rLen, e * segs, e * segs + segs, -1);
        // keep `order` sorted by start ascending, then end descending (enclosing ranges first)
        int i = e;
        while (i > 0) {
            int prev = order[i - 1];
            if (eStart[prev] < from || (eStart[prev] == from && eEnd[prev] >= to)) {
                break;
            }
            order[i] = prev;
            i--;
        }
        order[i] = e;
        return e;
    }

    private void assemble() {
        int len = end - off;
        for (int s = 0; s < segs; s++) {
            views.dropped[s] = dropRecord[s];
            if (dropRecord[s]) {
                views.changed[s] = true;
                views.arrays[s] = null;
                views.lengths[s] = 0;
                continue;
            }
            ByteSink o = out[s];
            o.reset();
            int pos = off;
            boolean changed = false;
            for (int i = 0; i < edits; i++) {
                int e = order[i];
                int rl = rLen[e * segs + s];
                if (rl < 0) {
                    continue;
                }
                int st = eStart[e];
                int en = eEnd[e];
                if (en <= pos) {
                    continue;
                }
                if (st < pos) {
                    if (rl != 0 || rOff[e * segs + s] != -1) {
                        continue;
                    }
                    st = pos;
                }
                o.write(buf, pos, st - pos);
                if (rl > 0) {
                    o.write(repl[s].buf, rOff[e * segs + s], rl);
                }
                pos = en;
                changed = true;
            }
            if (!changed) {
                views.arrays[s] = buf;
                views.offsets[s] = off;
                views.lengths[s] = len;
                views.changed[s] = false;
                continue;
            }
            o.write(buf, pos, end - pos);
            views.arrays[s] = o.buf;
            views.offsets[s] = 0;
            views.lengths[s] = o.len;
            views.changed[s] = true;
        }
    }
}
