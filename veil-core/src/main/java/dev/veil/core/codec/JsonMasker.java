package dev.veil.core.codec;

import dev.veil.core.action.Action;
import dev.veil.core.classify.NameHeuristics;
import dev.veil.core.classify.PathAutomaton;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Masks JSON records for every segment of a plan in one streaming pass over the bytes. Bytes that need no
 * change are copied from the input untouched; only replaced values are written.
 *
 * <p>The record is read by a strict RFC 8259 scanner (strict UTF-8 inside strings, no extensions: no comments, NaN,
 * single quotes, trailing commas or leading zeros; exactly one value per record). It builds no tree and
 * decodes no string it does not need: member names are matched against the plan's path automaton as bytes,
 * and only values that are masked or scanned become Java strings. Nesting is tracked on an explicit stack,
 * so depth costs memory bounded by the limit, never the call stack. Differential tests hold the scanner to
 * Jackson's verdict on valid and broken input.
 *
 * <p>Classification of each value, strongest first: a path rule on its own path (including NONE); a path
 * rule on an enclosing object or array, whose class every value inside inherits; the field-name heuristics;
 * then content detection over strings ({@code scan.strings}). Values of one class get that class's action
 * per segment; detected spans inside a string are replaced one by one and the rest of the text is kept.
 *
 * <p>Leak guard ({@code scan.leak_guard}): each value the record's classification found sensitive — by rule, field
 * name or content, in a segment whose action for its class is not {@code keep} — is looked for again, verbatim and
 * as a whole word, in the input bytes each view passes through unchanged. A hit means the same value sits raw
 * somewhere else in the view (a copy in a field nothing classified, a note quoting a masked name): the record is
 * refused with {@link RecordException.Reason#LEAK}, or, in alert mode, reported by {@link #leaks()}. Only bytes
 * copied from the input are searched, so an action's output can never trip it by coincidence. Cost: one rolling
 * pass over the record per record with sensitive values.
 *
 * <p>Undeclared PII: a value found sensitive by field name or content at a path no rule names is reported once per
 * path and class to the {@link Drift} listener, when one is set — the schema-drift signal.
 *
 * <p>Not thread-safe: use one per thread. {@link #mask} returns views that stay valid until the next call.
 */
public final class JsonMasker {
    private static final byte RANK_NONE = 0;
    private static final byte RANK_HEURISTIC = 1;
    private static final byte RANK_RULE = 2;
    private static final int NAME_CACHE_SIZE = 4096;
    /** Shorter values are not looked for by the leak guard: too many innocent whole-word matches. */
    static final int GUARD_MIN_BYTES = 4;
    /** Values that are only a number are looked for from this many digits on (phones, SSNs, cards, accounts). */
    static final int GUARD_MIN_DIGITS = 7;
    private static final int DRIFT_PATHS = 4096;

    /** Told of sensitive values at paths no rule names (schema drift); called on the masking thread. */
    @FunctionalInterface
    public interface Drift {
        /** @param byName true when the field's name said so, false when its content did */
        void undeclared(String path, DataClass dataClass, boolean byName);
    }

    /**
     * A sensitive value the leak guard found unmasked in a view: which segment, which class, and where in the input
     * (-1 when it sits in text rewritten because other spans of it were masked).
     */
    public record Leak(String segment, DataClass dataClass, int offset) {
    }

    private final Plan plan;
    private final int segs;
    private final NameHeuristics heuristics;
    private final DetectorSet detectors;
    private final boolean scanAll;
    private final int maxDepth;
    private final int maxBytes;
    private final PathAutomaton.State start;
    private final ScanSpec.LeakGuard guard;
    /**
     * Per class id, the segments whose view must not carry its values raw: action neither keep nor drop-record
     * (all zero when the guard is off); and the segments that keep the class.
     */
    private final long[] guardOf;
    private final long[] keptOf;
    private Drift drift;
    /** Paths already reported, allocated with the listener: most maskers never report drift. */
    private long[] driftHashes;
    private int driftCount;
    private final List<Leak> leaks = new java.util.ArrayList<>();

    // leak guard: sensitive values of this record (bytes in `secrets`), their class and the segments to check
    private final ByteSink secrets = new ByteSink(256);
    private int secretCount;
    private int[] sOff = new int[16];
    private int[] sLen = new int[16];
    private long[] sMask = new long[16];
    private DataClass[] sCls = new DataClass[16];
    private int[] sNext = new int[16];
    private final int[] tKey = new int[256];
    private final int[] tHead = new int[256];
    /** Which two-byte pairs start a sensitive value of the record: most positions are rejected by one bit test. */
    private final long[] pairs = new long[1024];

    /** JSON bytes of replacements that do not depend on the value (redact, nullify), per segment and class. */
    private final byte[][][] constant;
    private final Views views;
    private final ByteSink[] repl;
    private final ByteSink[] out;
    private final boolean[] dropRecord;
    private final long[] classCounts;
    private final long[] recordCounts;
    private final dev.veil.core.engine.SpanMasking spans;

    // heuristic verdicts per member name, keyed by the name's bytes (per masker, so no locking)
    private final byte[][] nameKeys;
    private final NameHeuristics.Verdict[] nameVerdicts;
    private int nameCount;

    // edits: byte range + per segment replacement (rLen -1: keep; 0 with rOff -1: delete)
    private int edits;
    private int[] eStart = new int[32];
    private int[] eEnd = new int[32];
    private int[] rOff;
    private int[] rLen;
    private boolean[] rPartial; // the replacement is the string's own text with spans replaced (a copy of the rest)
    private int[] order = new int[32];
    // for drops: container id, entry index, comma before and after the entry (-1: none)
    private int[] dCont = new int[32];
    private int[] dIdx = new int[32];
    private int[] dBefore = new int[32];
    private int[] dAfter = new int[32];
    private int[] deleted = new int[16];

    // the container stack
    private PathAutomaton.State[] fState;
    private DataClass[] fCls;
    private byte[] fRank;
    private boolean[] fHolds;
    private int[] fEntry;
    private boolean[] fObject;
    private int[] fId;        // container id within the record
    private int[] fCount;     // entries seen so far
    private int[] fSlot;      // for the container itself: {its container id, index, comma before} packed below
    private int[] fSlotIdx;
    private int[] fSlotComma;
    private int[] fKey;       // key start of the member holding the container, -1 for an array element
    private int[] fKeyEnd;
    private int containers;
    private int commaPos = -1;
    // the entry whose value comes next: its container, index, and the comma before it (-1 for the first)
    private int eCont;
    private int eIdx;
    private int eComma;

    // the member whose value comes next
    private int pKey;
    private int pKeyEnd;
    private PathAutomaton.State pState;
    private DataClass pCls;
    private byte pRank;
    private boolean pHolds;

    private byte[] buf;
    private int off;
    private int end;
    private final JsonLexer lx = new JsonLexer();

    public JsonMasker(Plan plan) {
        this.plan = plan;
        this.segs = plan.segments().size();
        this.maxDepth = plan.limits().maxDepth();
        this.maxBytes = plan.limits().maxRecordBytes();
        this.heuristics = plan.heuristics();
        this.detectors = plan.detectors();
        this.spans = new dev.veil.core.engine.SpanMasking(plan);
        this.scanAll = plan.scanStrings() == ScanSpec.Strings.ALL;
        this.start = plan.paths().start();
        if (plan.leakGuard() != ScanSpec.LeakGuard.OFF && segs > ScanSpec.MAX_GUARDED_SEGMENTS) {
            // the loader refuses such policies; a guard quietly off would forward what it should hold back
            throw new IllegalArgumentException("the leak guard covers at most " + ScanSpec.MAX_GUARDED_SEGMENTS
                    + " segments");
        }
        this.guard = plan.leakGuard();
        int classCount = plan.policy().classTable().size();
        this.guardOf = new long[classCount];
        this.keptOf = new long[classCount];
        for (DataClass c : plan.policy().classTable().classes()) {
            for (int s = 0; s < Math.min(segs, ScanSpec.MAX_GUARDED_SEGMENTS); s++) {
                Action.Kind k = plan.action(s, c).kind();
                if (k == Action.Kind.KEEP) {
                    keptOf[c.id()] |= 1L << s;
                } else if (k != Action.Kind.DROP_RECORD && guard != ScanSpec.LeakGuard.OFF) {
                    guardOf[c.id()] |= 1L << s;
                }
            }
        }
        this.views = new Views(segs);
        this.repl = new ByteSink[segs];
        this.out = new ByteSink[segs];
        for (int s = 0; s < segs; s++) {
            repl[s] = new ByteSink(256);
            out[s] = new ByteSink(1024);
        }
        this.constant = new byte[segs][][];
        ByteSink tmp = new ByteSink(64);
        for (int s = 0; s < segs; s++) {
            constant[s] = new byte[plan.policy().classTable().size()][];
            for (DataClass c : plan.policy().classTable().classes()) {
                Action a = plan.action(s, c);
                if (!a.needsValue() && (a.kind() == Action.Kind.REPLACE || a.kind() == Action.Kind.NULLIFY)) {
                    tmp.reset();
                    a.replace(null, false, tmp);
                    constant[s][c.id()] = Arrays.copyOf(tmp.buf, tmp.len);
                }
            }
        }
        this.dropRecord = new boolean[segs];
        this.classCounts = new long[plan.policy().classTable().size()];
        this.recordCounts = new long[classCounts.length];
        this.rOff = new int[32 * segs];
        this.rLen = new int[32 * segs];
        this.rPartial = new boolean[32 * segs];
        this.nameKeys = heuristics == null ? null : new byte[NAME_CACHE_SIZE][];
        this.nameVerdicts = heuristics == null ? null : new NameHeuristics.Verdict[NAME_CACHE_SIZE];
        int frames = Math.min(maxDepth + 2, 64);
        fState = new PathAutomaton.State[frames];
        fCls = new DataClass[frames];
        fRank = new byte[frames];
        fHolds = new boolean[frames];
        fEntry = new int[frames];
        fObject = new boolean[frames];
        fId = new int[frames];
        fCount = new int[frames];
        fSlot = new int[frames];
        fSlotIdx = new int[frames];
        fSlotComma = new int[frames];
        fKey = new int[frames];
        fKeyEnd = new int[frames];
        Arrays.fill(tHead, -1);
    }

    /** Sets the listener told of sensitive values at paths no rule names (null: none, and no paths are built). */
    public void onDrift(Drift listener) {
        this.drift = listener;
        this.driftHashes = listener == null ? null : new long[DRIFT_PATHS * 2];
    }

    /**
     * What the leak guard found in the record last masked: in {@code alert} mode every leak, in {@code block} mode
     * the one that refused the record. Reused: valid until the next call of {@link #mask}.
     */
    public List<Leak> leaks() {
        return leaks;
    }

    public Plan plan() {
        return plan;
    }

    /** Values found per class id since this masker was made (declared, heuristic and detected). */
    public long[] classCounts() {
        return classCounts;
    }

    /**
     * Values found per class id in the record last masked successfully: what a masking summary reports.
     * Reused: valid until the next call of {@link #mask}.
     */
    public long[] recordClassCounts() {
        return recordCounts;
    }

    /** Masks {@code buf[off, off+len)}, one JSON value, for every segment of the plan. */
    public Views mask(byte[] buf, int off, int len) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(RecordException.Reason.TOO_LARGE,
                    "record of " + len + " bytes is larger than the limit of " + maxBytes);
        }
        this.buf = buf;
        this.off = off;
        this.end = off + len;
        lx.reset(buf, off, end);
        edits = 0;
        containers = 0;
        Arrays.fill(dropRecord, false);
        for (ByteSink r : repl) {
            r.reset();
        }
        Arrays.fill(recordCounts, 0);
        secretCount = 0;
        secrets.reset();
        leaks.clear();
        walk();
        assemble();
        if (secretCount > 0) {
            guard();
        }
        for (int i = 0; i < recordCounts.length; i++) {
            classCounts[i] += recordCounts[i]; // only records that were masked count
        }
        return views;
    }

    // ---- scanning --------------------------------------------------------------------------------------

    private static final int VALUE = 0;
    private static final int AFTER = 1;
    private static final int MEMBER = 2;

    private void walk() throws RecordException {
        int p = lx.ws(off);
        if (p >= end) {
            throw new RecordException(RecordException.Reason.INVALID_JSON, "empty record");
        }
        int depth = 0;
        int state = VALUE;
        while (true) {
            if (state == VALUE) {
                if (p >= end) {
                    throw lx.truncated();
                }
                byte c = buf[p];
                int entry = depth > 0 && fObject[depth - 1] ? pKey : p;
                if (depth > 0 && !fObject[depth - 1]) {
                    startEntry(depth);
                }
                if (c == '{' || c == '[') {
                    if (depth + 1 > maxDepth) {
                        throw new RecordException(RecordException.Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
                    }
                    openContainer(depth, c == '{', entry);
                    depth++;
                    p = lx.ws(p + 1);
                    if (p >= end) {
                        throw lx.truncated();
                    }
                    byte close = c == '{' ? (byte) '}' : (byte) ']';
                    if (buf[p] == close) {
                        depth--;
                        closeContainer(depth, p + 1);
                        p++;
                        state = AFTER;
                    } else {
                        state = c == '{' ? MEMBER : VALUE;
                    }
                } else {
                    int ve;
                    if (c == '"') {
                        ve = lx.stringEnd(p);
                    } else if (c == '-' || (c >= '0' && c <= '9')) {
                        ve = lx.numberEnd(p);
                    } else if (c == 't') {
                        ve = lx.literal(p, "true");
                    } else if (c == 'f') {
                        ve = lx.literal(p, "false");
                    } else if (c == 'n') {
                        ve = lx.literal(p, "null");
                    } else {
                        throw lx.unexpected(p);
                    }
                    scalar(depth, c, p, ve, entry);
                    p = ve;
                    state = AFTER;
                }
            } else if (state == AFTER) {
                p = lx.afterValue(p, depth == 0);
                if (depth == 0) {
                    return;
                }
                byte c = buf[p];
                boolean object = fObject[depth - 1];
                if (c == ',') {
                    commaPos = p;
                    p = lx.ws(p + 1);
                    state = object ? MEMBER : VALUE;
                } else if (c == (object ? '}' : ']')) {
                    depth--;
                    closeContainer(depth, p + 1);
                    p++;
                } else {
                    throw lx.unexpected(p);
                }
            } else {
                if (p >= end) {
                    throw lx.truncated();
                }
                if (buf[p] != '"') {
                    throw lx.unexpected(p);
                }
                int ke = lx.stringEnd(p);
                startEntry(depth);
                member(depth, p, ke);
                p = lx.colon(ke);
                state = VALUE;
            }
        }
    }

    // ---- classification --------------------------------------------------------------------------------

    private void ensureFrames(int depth) {
        if (depth >= fState.length) {
            int n = Math.min(Math.max(fState.length * 2, depth + 1), maxDepth + 2);
            fState = Arrays.copyOf(fState, n);
            fCls = Arrays.copyOf(fCls, n);
            fRank = Arrays.copyOf(fRank, n);
            fHolds = Arrays.copyOf(fHolds, n);
            fEntry = Arrays.copyOf(fEntry, n);
            fObject = Arrays.copyOf(fObject, n);
            fId = Arrays.copyOf(fId, n);
            fCount = Arrays.copyOf(fCount, n);
            fSlot = Arrays.copyOf(fSlot, n);
            fSlotIdx = Arrays.copyOf(fSlotIdx, n);
            fSlotComma = Arrays.copyOf(fSlotComma, n);
            fKey = Arrays.copyOf(fKey, n);
            fKeyEnd = Arrays.copyOf(fKeyEnd, n);
        }
    }

    /** Notes the container, index and preceding comma of the entry (member or element) that starts now. */
    private void startEntry(int depth) {
        int f = depth - 1;
        eCont = fId[f];
        eIdx = fCount[f]++;
        eComma = eIdx == 0 ? -1 : commaPos;
    }

    /** Classifies the member whose name is the JSON string {@code [ks, ke)} in the object at the top. */
    private void member(int depth, int ks, int ke) {
        int f = depth - 1;
        boolean esc = lx.escaped;
        PathAutomaton.State parent = fState[f];
        PathAutomaton.State st;
        String decoded = null;
        if (parent.isDead()) {
            st = parent;
        } else if (!esc) {
            st = parent.next(buf, ks + 1, ke - ks - 2);
        } else {
            decoded = lx.stringValue(ks, ke, true);
            st = parent.next(decoded);
        }
        FieldRule rule = st.rule();
        DataClass cls;
        byte rank;
        boolean holds = false;
        if (rule != null) {
            cls = rule.dataClass();
            rank = RANK_RULE;
        } else if (fRank[f] == RANK_RULE) {
            cls = fCls[f];
            rank = RANK_RULE;
        } else if (heuristics != null) {
            NameHeuristics.Verdict v = verdict(ks, ke, esc, decoded);
            DataClass h = v.classIn(fHolds[f]);
            holds = v.holdsPerson();
            if (h != null) {
                cls = h;
                rank = RANK_HEURISTIC;
            } else {
                cls = fCls[f];
                rank = fRank[f];
            }
        } else {
            cls = fCls[f];
            rank = fRank[f];
        }
        pKey = ks;
        pKeyEnd = ke;
        pState = st;
        pCls = cls;
        pRank = rank;
        pHolds = holds;
    }

    /** The heuristics' verdict on a member name, cached by the name's bytes. */
    private NameHeuristics.Verdict verdict(int ks, int ke, boolean esc, String decoded) {
        int from = ks + 1;
        int len = ke - ks - 2;
        int h = 0x811c9dc5;
        for (int i = from; i < from + len; i++) {
            h = (h ^ buf[i]) * 0x01000193;
        }
        int slot = (h ^ (h >>> 15)) & (NAME_CACHE_SIZE - 1);
        for (int probe = 0; probe < 8; probe++) {
            byte[] k = nameKeys[slot];
            if (k == null) {
                break;
            }
            if (k.length == len && Arrays.equals(k, 0, len, buf, from, from + len)) {
                return nameVerdicts[slot];
            }
            slot = (slot + 1) & (NAME_CACHE_SIZE - 1);
        }
        String name = decoded != null ? decoded : lx.stringValue(ks, ke, esc);
        NameHeuristics.Verdict v = heuristics.verdict(name);
        if (nameKeys[slot] == null && nameCount < NAME_CACHE_SIZE / 2) {
            nameKeys[slot] = Arrays.copyOfRange(buf, from, from + len);
            nameVerdicts[slot] = v;
            nameCount++;
        }
        return v;
    }

    private void openContainer(int depth, boolean object, int entry) {
        ensureFrames(depth);
        DataClass cls;
        byte rank;
        PathAutomaton.State st;
        boolean holds;
        if (depth == 0) {
            cls = null;
            rank = RANK_NONE;
            st = start;
            holds = false;
        } else if (fObject[depth - 1]) {
            cls = pCls;
            rank = pRank;
            st = pState;
            holds = pHolds;
        } else {
            cls = fCls[depth - 1];
            rank = fRank[depth - 1];
            st = fState[depth - 1];
            holds = fHolds[depth - 1];
        }
        fState[depth] = st;
        fCls[depth] = cls;
        fRank[depth] = rank;
        fHolds[depth] = holds;
        fObject[depth] = object;
        fEntry[depth] = -1;
        fId[depth] = containers++;
        fCount[depth] = 0;
        fSlot[depth] = eCont;
        fSlotIdx[depth] = eIdx;
        fSlotComma[depth] = eComma;
        fKey[depth] = depth > 0 && fObject[depth - 1] ? pKey : -1;
        fKeyEnd[depth] = pKeyEnd;
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
                    fEntry[depth] = entry;
                }
            }
        }
    }

    private void closeContainer(int depth, int valueEnd) {
        int entry = fEntry[depth];
        if (entry >= 0) {
            dropEntry(fCls[depth], entry, valueEnd, fSlot[depth], fSlotIdx[depth], fSlotComma[depth]);
        }
    }

    private void markDropRecordWhereDropped(DataClass cls) {
        for (int s = 0; s < segs; s++) {
            if (plan.action(s, cls).kind() == Action.Kind.DROP) {
                dropRecord[s] = true;
            }
        }
    }

    /** Masks the scalar at {@code [vs, ve)}, whose first byte is {@code c}. */
    private void scalar(int depth, byte c, int vs, int ve, int entry) {
        DataClass cls = depth == 0 ? null : fObject[depth - 1] ? pCls : fCls[depth - 1];
        boolean string = c == '"';
        boolean esc = lx.escaped;
        if (cls != null && cls.isNone()) {
            return;
        }
        if (c == 'n') {
            if (cls != null && plan.anyDrop(cls)) {
                dropScalar(cls, depth, vs, ve, entry);
            }
            return;
        }
        String value = null;
        int edit = -1;
        boolean needScan = false;
        if (cls != null) {
            recordCounts[cls.id()]++;
            boolean number = c == '-' || (c >= '0' && c <= '9');
            // true, false and null say nothing about anyone: guarding them would hold back every record where a
            // classified flag's literal recurs (found by ScannerDifferentialProperties)
            if (guardOf[cls.id()] != 0 && (string || number)) {
                int mark = secrets.len;
                secrets.write(buf, string ? vs + 1 : vs, string ? ve - vs - 2 : ve - vs);
                addSecret(mark, cls, guardOf[cls.id()]);
            }
            if (drift != null && depth > 0 && fObject[depth - 1] && pRank == RANK_HEURISTIC) {
                drift(depth, cls, true);
            }
            for (int s = 0; s < segs; s++) {
                Action a = plan.action(s, cls);
                switch (a.kind()) {
                    case KEEP -> needScan |= string && scanAll;
                    case DROP_RECORD -> dropRecord[s] = true;
                    case DROP -> { }
                    case NULLIFY, REPLACE -> {
                        if (edit < 0) {
                            edit = newEdit(vs, ve);
                        }
                        int mark = repl[s].len;
                        byte[] k = constant[s][cls.id()];
                        if (k != null) {
                            repl[s].write(k, 0, k.length);
                        } else {
                            if (value == null) {
                                value = string ? lx.stringValue(vs, ve, esc)
                                        : new String(buf, vs, ve - vs, StandardCharsets.ISO_8859_1);
                            }
                            a.replace(value, number, repl[s]);
                        }
                        setReplacement(edit, s, mark);
                    }
                }
            }
            if (plan.anyDrop(cls)) {
                dropScalar(cls, depth, vs, ve, entry);
            }
            if (!needScan) {
                return;
            }
        } else if (!string || detectors == null) {
            return;
        }
        if (value == null) {
            value = lx.stringValue(vs, ve, esc);
        }
        List<Finding> found = detectors.scan(value);
        if (found.isEmpty()) {
            return;
        }
        for (Finding f : found) {
            recordCounts[f.dataClass().id()]++;
            // a span inside a classified string matters only where the string itself was kept
            long m = guardOf[f.dataClass().id()] & (cls == null ? -1L : keptOf[cls.id()]);
            if (m != 0) {
                int mark = secrets.len;
                secrets.chars(value, f.start(), f.end()); // as the input writes it
                addSecret(mark, f.dataClass(), m);
            }
            if (drift != null && cls == null && depth > 0) {
                drift(depth, f.dataClass(), false);
            }
        }
        for (int s = 0; s < segs; s++) {
            if (cls != null && plan.action(s, cls).kind() != Action.Kind.KEEP) {
                continue;
            }
            CharSequence masked = spans.mask(s, value, found);
            if (spans.dropRecord()) {
                dropRecord[s] = true;
            }
            if (masked != null) {
                if (edit < 0) {
                    edit = newEdit(vs, ve);
                }
                int mark = repl[s].len;
                repl[s].string(masked);
                setReplacement(edit, s, mark);
                rPartial[edit * segs + s] = true;
            }
        }
    }

    private void dropScalar(DataClass cls, int depth, int vs, int ve, int entry) {
        if (depth == 0) {
            markDropRecordWhereDropped(cls);
            return;
        }
        dropEntry(cls, entry, ve, eCont, eIdx, eComma);
    }

    /**
     * Deletes an object member or array element in the segments that drop {@code cls}. Which adjacent comma
     * goes with it depends on what else the segment drops from the same container, so that is decided when the
     * segment's view is written (see {@link #assemble}).
     */
    private void dropEntry(DataClass cls, int entryStart, int valueEnd, int container, int index, int commaBefore) {
        int j = lx.ws(valueEnd);
        int e = newEdit(entryStart, valueEnd);
        dCont[e] = container;
        dIdx[e] = index;
        dBefore[e] = commaBefore;
        dAfter[e] = j < end && buf[j] == ',' ? j : -1;
        for (int s = 0; s < segs; s++) {
            if (plan.action(s, cls).kind() == Action.Kind.DROP) {
                rOff[e * segs + s] = -1;
                rLen[e * segs + s] = 0;
            }
        }
    }

    // ---- leak guard ------------------------------------------------------------------------------------

    /** Keeps {@code secrets.buf[mark, secrets.len)}, a value just written there, unless it is too short to look for. */
    private void addSecret(int mark, DataClass c, long mask) {
        int len = secrets.len - mark;
        if (len < GUARD_MIN_BYTES || shortNumber(secrets.buf, mark, secrets.len)) {
            secrets.len = mark;
            return;
        }
        if (secretCount == sOff.length) {
            int n = secretCount * 2;
            sOff = Arrays.copyOf(sOff, n);
            sLen = Arrays.copyOf(sLen, n);
            sMask = Arrays.copyOf(sMask, n);
            sCls = Arrays.copyOf(sCls, n);
            sNext = Arrays.copyOf(sNext, n);
        }
        int i = secretCount++;
        sOff[i] = mark;
        sLen[i] = len;
        sMask[i] = mask;
        sCls[i] = c;
    }

    /**
     * A number of fewer than {@link #GUARD_MIN_DIGITS} digits (separators aside), such as a zip code or an expiry
     * date: it recurs by chance in SKUs, amounts and ids, so it is not looked for.
     */
    private static boolean shortNumber(byte[] b, int from, int to) {
        int digits = 0;
        for (int i = from; i < to; i++) {
            byte x = b[i];
            if (x >= '0' && x <= '9') {
                digits++;
            } else if (x != ' ' && x != '-' && x != '.' && x != '/' && x != '(' && x != ')' && x != '+') {
                return false;
            }
        }
        return digits < GUARD_MIN_DIGITS;
    }

    private static int prefix(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }

    private static int slot(int key) {
        return (key * 0x9E3779B9) >>> 24; // 256 slots
    }

    private static boolean word(byte b) {
        return b < 0 || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }

    /**
     * One pass over the input: at each position whose next four bytes start a sensitive value, compare the whole
     * value; a whole-word occurrence that a segment's view copies unchanged (no edit of that segment touches it)
     * is a leak in that segment.
     */
    private void guard() throws RecordException {
        // The prefix table holds 256 slots; a record with more distinct values is searched in batches that fit,
        // so every value is looked for (an earlier version stopped adding values once the table was full).
        for (int from = 0; from < secretCount; ) {
            int to = fill(from);
            try {
                search(buf, off, end, -1);
                // A string with spans replaced is rewritten whole, the rest of its text copied: search those too.
                for (int e = 0; e < edits; e++) {
                    for (int sg = 0; sg < segs; sg++) {
                        if (rPartial[e * segs + sg]) {
                            search(repl[sg].buf, rOff[e * segs + sg], rOff[e * segs + sg] + rLen[e * segs + sg], sg);
                        }
                    }
                }
            } finally {
                clear(from, to);
            }
            from = to;
        }
    }

    /** Puts secrets from {@code from} into the prefix table until it holds 193 distinct prefixes; returns the end. */
    private int fill(int from) {
        byte[] sb = secrets.buf;
        int slots = 0;
        int i = from;
        while (i < secretCount && slots <= 192) {
            int key = prefix(sb, sOff[i]);
            int t = slot(key);
            while (tHead[t] >= 0 && tKey[t] != key) {
                t = (t + 1) & 255;
            }
            if (tHead[t] < 0) {
                tKey[t] = key;
                slots++;
            }
            sNext[i] = tHead[t];
            tHead[t] = i;
            int pair = key >>> 16;
            pairs[pair >>> 6] |= 1L << pair;
            i++;
        }
        return i;
    }

    /** Empties the prefix table and pair filter of the secrets in {@code [from, to)}. */
    private void clear(int from, int to) {
        byte[] sb = secrets.buf;
        for (int i = from; i < to; i++) {
            pairs[(sb[sOff[i]] & 0xff) << 2 | (sb[sOff[i] + 1] & 0xff) >>> 6] = 0;
            int t = slot(prefix(sb, sOff[i]));
            while (tHead[t] >= 0) {
                tHead[t] = -1;
                t = (t + 1) & 255;
            }
        }
    }

    /**
     * Looks for the record's sensitive values in {@code b[from, to)}: the input ({@code seg} -1, where an occurrence
     * counts for each segment that copies it unchanged) or the rewritten text of one segment's string.
     */
    private void search(byte[] b, int from, int to, int seg) throws RecordException {
        if (to - from < GUARD_MIN_BYTES) {
            return;
        }
        long[] pr = pairs;
        for (int p = from; p + GUARD_MIN_BYTES <= to; p++) {
            int pair = (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
            if ((pr[pair >>> 6] & (1L << pair)) == 0) {
                continue;
            }
            int h = pair << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
            int t = slot(h);
            while (tHead[t] >= 0) {
                if (tKey[t] == h) {
                    for (int i = tHead[t]; i >= 0; i = sNext[i]) {
                        check(i, b, p, from, to, seg);
                    }
                    break;
                }
                t = (t + 1) & 255;
            }
        }
    }

    private void check(int i, byte[] b, int p, int from, int to, int seg) throws RecordException {
        int len = sLen[i];
        int q = p + len;
        if (q > to || !Arrays.equals(secrets.buf, sOff[i], sOff[i] + len, b, p, q)) {
            return;
        }
        byte first = secrets.buf[sOff[i]];
        byte last = secrets.buf[sOff[i] + len - 1];
        if ((word(first) && p > from && word(b[p - 1])) || (word(last) && q < to && word(b[q]))) {
            return;
        }
        long m = sMask[i];
        for (int s = 0; s < segs; s++) {
            if ((m & (1L << s)) == 0 || dropRecord[s] || (seg >= 0 ? s != seg : touched(s, p, q))) {
                continue;
            }
            String name = plan.segments().get(s);
            int at = seg >= 0 ? -1 : p - off;
            if (guard == ScanSpec.LeakGuard.BLOCK) {
                leaks.add(new Leak(name, sCls[i], at)); // what refused the record, for the caller's alert
                throw new RecordException(RecordException.Reason.LEAK, "leak guard: a value of class " + sCls[i].name()
                        + " found in this record appears unmasked in the view for segment '" + name + "'"
                        + (at >= 0 ? " (input byte " + at + ")" : " (in text where other spans were masked)")
                        + "; the record is held back: give that field a rule, or let scan.strings reach it");
            }
            for (Leak l : leaks) {
                if (l.segment().equals(name) && l.dataClass() == sCls[i] && l.offset() == at) {
                    return;
                }
            }
            leaks.add(new Leak(name, sCls[i], at));
        }
    }

    /**
     * Whether an edit applied in segment {@code s} (a replacement or a deletion) overlaps {@code [p, q)}. A partial
     * rewrite counts too: its copied text is searched on its own.
     */
    private boolean touched(int s, int p, int q) {
        for (int e = 0; e < edits; e++) {
            if (rLen[e * segs + s] >= 0 && eStart[e] < q && eEnd[e] > p) {
                return true;
            }
        }
        return false;
    }

    // ---- schema drift ----------------------------------------------------------------------------------

    private void drift(int depth, DataClass c, boolean byName) {
        // Known paths are recognized by a hash of their raw key bytes, so a drifting field costs no string per record.
        long h = 0xcbf29ce484222325L ^ c.id();
        for (int d = 1; d <= depth; d++) {
            int ks = d < depth ? fKey[d] : fObject[depth - 1] ? pKey : -1;
            int ke = d < depth ? fKeyEnd[d] : pKeyEnd;
            h = (h ^ 0x5b) * 0x100000001b3L;
            if (ks >= 0) {
                for (int i = ks; i < ke; i++) {
                    h = (h ^ buf[i]) * 0x100000001b3L;
                }
            }
        }
        h |= 1; // 0 marks an empty slot
        int t = (int) (h ^ (h >>> 32)) & (driftHashes.length - 1);
        while (driftHashes[t] != 0) {
            if (driftHashes[t] == h) {
                return;
            }
            t = (t + 1) & (driftHashes.length - 1);
        }
        if (driftCount >= DRIFT_PATHS) {
            Arrays.fill(driftHashes, 0); // report again rather than stop reporting
            driftCount = 0;
            t = (int) (h ^ (h >>> 32)) & (driftHashes.length - 1);
        }
        driftHashes[t] = h;
        driftCount++;
        StringBuilder path = new StringBuilder(32);
        for (int d = 1; d < depth; d++) {
            step(path, fKey[d]);
        }
        step(path, fObject[depth - 1] ? pKey : -1);
        drift.undeclared(path.toString(), c, byName);
    }

    private void step(StringBuilder path, int key) {
        if (key < 0) {
            path.append("[*]");
            return;
        }
        if (path.length() > 0) {
            path.append('.');
        }
        try {
            int ke = lx.stringEnd(key);
            path.append(lx.stringValue(key, ke, lx.escaped));
        } catch (RecordException e) {
            path.append('?'); // cannot happen: the key was read once already
        }
    }

    // ---- edits and output ------------------------------------------------------------------------------

    private void setReplacement(int edit, int s, int mark) {
        rOff[edit * segs + s] = mark;
        rLen[edit * segs + s] = repl[s].len - mark;
    }

    private int newEdit(int from, int to) {
        if (edits == eStart.length) {
            int n = edits * 2;
            eStart = Arrays.copyOf(eStart, n);
            eEnd = Arrays.copyOf(eEnd, n);
            order = Arrays.copyOf(order, n);
            dCont = Arrays.copyOf(dCont, n);
            dIdx = Arrays.copyOf(dIdx, n);
            dBefore = Arrays.copyOf(dBefore, n);
            dAfter = Arrays.copyOf(dAfter, n);
            rOff = Arrays.copyOf(rOff, n * segs);
            rLen = Arrays.copyOf(rLen, n * segs);
            rPartial = Arrays.copyOf(rPartial, n * segs);
        }
        int e = edits++;
        eStart[e] = from;
        eEnd[e] = to;
        Arrays.fill(rLen, e * segs, e * segs + segs, -1);
        Arrays.fill(rPartial, e * segs, e * segs + segs, false);
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
            if (deleted.length < containers) {
                deleted = new int[Math.max(containers, deleted.length * 2)];
            }
            Arrays.fill(deleted, 0, containers, 0);
            for (int i = 0; i < edits; i++) {
                int e = order[i];
                int rl = rLen[e * segs + s];
                if (rl < 0) {
                    continue;
                }
                int st = eStart[e];
                int en = eEnd[e];
                if (rl == 0 && rOff[e * segs + s] == -1) {
                    // a dropped entry: take the comma before it when a kept entry precedes it, else the one after
                    int c = dCont[e];
                    if (dIdx[e] > deleted[c]) {
                        st = dBefore[e];
                    } else if (dAfter[e] >= 0) {
                        en = dAfter[e] + 1;
                    }
                    deleted[c]++;
                }
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
