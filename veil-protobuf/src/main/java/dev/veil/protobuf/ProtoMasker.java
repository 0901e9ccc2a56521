package dev.veil.protobuf;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.UnknownFieldSet;
import dev.veil.core.action.Action;
import dev.veil.core.codec.FieldPlan;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordException.Reason;
import dev.veil.core.codec.RecordMasker;
import dev.veil.core.codec.ValueMasking;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Masks protobuf messages of one type for every segment of a plan in one pass over the wire bytes. Each field's class
 * is decided once, when the masker is compiled — the {@code (veil.pii)} or {@code (veil.pii_class)} option on the
 * field (see {@code veil/options.proto}), then the policy's path rules, then field-name heuristics — and string fields
 * no rule classifies are scanned by the content detectors. A field nothing masks is copied as its wire bytes, tag
 * included; a nested message nothing below changes is copied whole once its tags are checked.
 *
 * <p>A replaced value is written as a string field of the same number (a tokenized {@code int64} is text now); a
 * nullified field is left out, so readers see the type's default; a dropped one is left out and its number reserved
 * in the segment's output descriptor ({@link #outputDescriptor}). A field number the descriptor does not know may be
 * personal data of a newer schema version: it is left out of every view and reported to the
 * {@linkplain #onUnknownField listener}, never passed through.
 *
 * <p>Not thread-safe: buffers are reused, and a view is valid until the next call. Compile one per thread.
 */
public final class ProtoMasker implements RecordMasker {
    /** Field option numbers of {@code veil/options.proto}. */
    static final int OPTION_PII = 50501;
    static final int OPTION_PII_CLASS = 50502;
    /** Values of the {@code veil.Pii} enum, by number. */
    static final List<String> PII_ENUM = List.of("PII_UNSPECIFIED", "NONE", "EMAIL", "PHONE", "CREDIT_CARD", "US_SSN",
            "IBAN", "IP_ADDRESS", "MAC_ADDRESS", "PERSON_NAME", "STREET_ADDRESS", "DATE_OF_BIRTH", "SECRET",
            "URL_CREDENTIALS");
    static final int MAX_SEGMENTS = 64;

    private final Plan plan;
    private final Descriptors.Descriptor type;
    private final int segs;
    private final Msg root;
    private final int depth;
    private final int maxBytes;
    private final Out[] out;
    private final int[][] marks;
    private final Views views;
    private final boolean[] dropRecord;
    /** Segments whose view of this record masks something. */
    private long changed;
    private final OutputDescriptors outputs;
    private final ValueMasking values;
    private final Set<Long> reportedUnknown = new HashSet<>();
    private BiConsumer<String, Integer> unknownListener;
    private long unknownFields;
    private byte[] buf;
    private int pos;
    private int base;

    private ProtoMasker(Plan plan, Descriptors.Descriptor type) {
        this.plan = plan;
        this.type = type;
        this.segs = plan.segments().size();
        if (segs > MAX_SEGMENTS) {
            throw new IllegalArgumentException("a protobuf masker serves at most " + MAX_SEGMENTS
                    + " segments; this plan has " + segs);
        }
        this.values = new ValueMasking(plan);
        this.maxBytes = plan.limits().maxRecordBytes();
        Compiler c = new Compiler(plan);
        this.root = c.message(type, new ArrayList<>(), null, new HashSet<>(), false);
        this.depth = c.maxDepth + 1;
        this.out = new Out[segs];
        for (int s = 0; s < segs; s++) {
            out[s] = new Out(256);
        }
        this.marks = new int[depth][segs];
        this.views = new Views(segs);
        this.dropRecord = new boolean[segs];
        this.outputs = new OutputDescriptors(root, type, plan.segments());
    }

    /**
     * Compiles a masker for messages of {@code type}.
     *
     * @throws IllegalArgumentException when the type is recursive, uses groups, names a class the policy does not
     *                                  define, or the plan has more than 64 segments
     */
    public static ProtoMasker compile(Plan plan, Descriptors.Descriptor type) {
        return new ProtoMasker(plan, type);
    }

    public Plan plan() {
        return plan;
    }

    /** The message type of the input records. */
    public Descriptors.Descriptor inputType() {
        return type;
    }

    /** The message type of segment {@code s}'s views, derived from the input type and the plan. */
    public Descriptors.Descriptor outputDescriptor(int s) {
        return outputs.type(s);
    }

    /** Segment {@code s}'s output type with every file it needs, to hand to consumers ({@code protoc --decode}). */
    public com.google.protobuf.DescriptorProtos.FileDescriptorSet outputDescriptorSet(int s) {
        return outputs.set(s);
    }

    /** Called once per message type and field number the descriptor does not know, when first met. */
    public void onUnknownField(BiConsumer<String, Integer> listener) {
        this.unknownListener = listener;
    }

    /** Fields left out because the descriptor does not know their number, since the masker was compiled. */
    public long unknownFields() {
        return unknownFields;
    }

    /**
     * Reports undeclared sensitive fields, once each: at once those the field-name heuristics classify (before any
     * record flows), and unruled fields whose content the detectors find a class in, as records show it.
     */
    @Override
    public void onDrift(dev.veil.core.codec.JsonMasker.Drift listener) {
        values.onDrift(listener);
        for (Classified c : classification()) {
            if ("name".equals(c.source()) && c.dataClass() != null) {
                values.drift(c.path(), c.dataClass(), true);
            }
        }
    }

    /** Every leaf field path with the class the masker gives it and what decided it, for scans and drift reports. */
    public List<Classified> classification() {
        List<Classified> l = new ArrayList<>();
        collect(root, l);
        return l;
    }

    /** One leaf: its path, class (null: unclassified), what decided it, whether it is scanned. */
    public record Classified(String path, DataClass dataClass, String source, boolean scanned) {
    }

    private static void collect(Msg m, List<Classified> l) {
        for (Field f : m.fields) {
            if (f.child != null) {
                collect(f.child, l);
            } else {
                l.add(new Classified(f.path, f.cls, f.source, f.scan));
            }
        }
    }

    @Override
    public long[] recordClassCounts() {
        return values.recordCounts();
    }

    @Override
    public Views mask(byte[] record, int off, int len) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(Reason.TOO_LARGE, "record of " + len + " bytes is over the limit of " + maxBytes);
        }
        this.buf = record;
        this.pos = off;
        this.base = off;
        values.startRecord();
        Arrays.fill(dropRecord, false);
        changed = 0;
        for (Out o : out) {
            o.len = 0;
        }
        long all = segs == 64 ? -1L : (1L << segs) - 1;
        int end = off + len;
        if (root.passthrough && known(root, end)) {
            copy(off, end, all);
        } else {
            walk(root, end, all, 0);
        }
        for (int s = 0; s < segs; s++) {
            if (dropRecord[s]) {
                views.drop(s);
            } else {
                views.set(s, out[s].buf, 0, out[s].len, (changed >>> s & 1) != 0);
            }
        }
        return views;
    }

    // ---- the walk: read once, write every live segment

    private void walk(Msg m, int end, long live, int level) throws RecordException {
        while (pos < end) {
            int tagStart = pos;
            long tag = varint(end);
            int number = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (tag >>> 32 != 0 || number == 0) {
                throw new RecordException(Reason.MALFORMED, "invalid field tag at byte " + (tagStart - base));
            }
            Field f = m.find(number);
            if (f == null) {
                skipValue(wt, end, tagStart);
                unknown(m, number);
                changed |= live; // left out of every view
                continue;
            }
            if (f.child != null) {
                if (wt != 2) {
                    throw wrongWireType(f, wt, tagStart);
                }
                int n = length(end);
                int stop = pos + n;
                if (f.child.passthrough && known(f.child, stop)) {
                    copy(tagStart, stop, live);
                    continue;
                }
                int[] mark = marks[level];
                for (int s = 0; s < segs; s++) {
                    if ((live >>> s & 1) != 0) {
                        out[s].writeVarint((long) number << 3 | 2);
                        mark[s] = out[s].len;
                        out[s].reserve(5);
                    }
                }
                walk(f.child, stop, live, level + 1);
                for (int s = 0; s < segs; s++) {
                    if ((live >>> s & 1) != 0) {
                        out[s].closeLength(mark[s]);
                    }
                }
                continue;
            }
            leaf(f, wt, tagStart, end, live);
        }
        if (pos != end) {
            throw new RecordException(Reason.TRUNCATED, "a field runs past the end of its message at byte " + (end - base));
        }
    }

    /**
     * Whether every field of the message from the cursor to {@code end} is one the descriptor knows, with its
     * declared wire type: then the message can be copied whole. Leaves the cursor at {@code end} when true, where it
     * was when false.
     */
    private boolean known(Msg m, int end) throws RecordException {
        int start = pos;
        while (pos < end) {
            int tagStart = pos;
            long tag = varint(end);
            int number = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (tag >>> 32 != 0 || number <= 0) {
                pos = start;
                return false; // the walk refuses it, naming the offset
            }
            Field f = m.find(number);
            if (f == null || !(wt == f.wireType || wt == 2 && f.packable)) {
                pos = start;
                return false;
            }
            if (f.child != null) {
                int n = length(end);
                if (!known(f.child, pos + n)) {
                    pos = start;
                    return false;
                }
            } else {
                skipValue(wt, end, tagStart);
            }
        }
        if (pos != end) {
            throw new RecordException(Reason.TRUNCATED, "a field runs past the end of its message at byte " + (end - base));
        }
        return true;
    }

    private void unknown(Msg m, int number) {
        unknownFields++;
        if (unknownListener != null && reportedUnknown.size() < 10_000
                && reportedUnknown.add((long) m.id << 32 | number)) {
            unknownListener.accept(m.type.getFullName(), number);
        }
    }

    private RecordException wrongWireType(Field f, int wt, int at) {
        return new RecordException(Reason.MALFORMED, "field " + f.fd.getFullName() + " (" + f.number + ") has wire type "
                + wt + " at byte " + (at - base) + "; its type " + f.fd.getType() + " is written with wire type "
                + f.wireType);
    }

    private void leaf(Field f, int wt, int tagStart, int end, long live) throws RecordException {
        boolean packed = wt == 2 && f.packable;
        if (wt != f.wireType && !packed) {
            throw wrongWireType(f, wt, tagStart);
        }
        int valueStart = pos;
        skipValue(wt, end, tagStart);
        int stop = pos;
        if (f.cls != null) {
            values.count(f.cls);
        }
        String value = null;
        for (int s = 0; s < segs; s++) {
            if ((live >>> s & 1) == 0) {
                continue;
            }
            Out o = out[s];
            switch (f.kind[s]) {
                case COPY -> o.write(buf, tagStart, stop - tagStart);
                case OMIT -> changed |= 1L << s;
                case DROP_RECORD -> dropRecord[s] = true;
                case REPLACE -> {
                    changed |= 1L << s;
                    if (packed) {
                        replacePacked(f, s, valueStart, stop);
                    } else {
                        if (value == null) {
                            value = text(f, valueStart);
                        }
                        replace(f, s, value);
                    }
                }
                case SCAN -> {
                    if (value == null) {
                        value = text(f, valueStart);
                    }
                    // scanned once for every segment; findings in a field no rule or name classifies are drift
                    CharSequence masked = values.scan(s, value, f.source == null ? f.path : null);
                    dropRecord[s] |= values.dropRecord();
                    if (masked == null) {
                        o.write(buf, tagStart, stop - tagStart);
                    } else {
                        o.writeString(f.number, masked);
                        changed |= 1L << s;
                    }
                }
            }
        }
    }

    private void replace(Field f, int s, String value) {
        out[s].writeString(f.number, values.replace(f.action[s], value, f.numeric));
    }

    /** A packed run of numbers whose values are replaced: each becomes its own string field. */
    private void replacePacked(Field f, int s, int from, int to) throws RecordException {
        int save = pos;
        pos = from;
        length(to); // the run's length, checked when it was skipped
        while (pos < to) {
            int at = pos;
            String v = scalar(f, to);
            if (pos == at) {
                break;
            }
            replace(f, s, v);
        }
        pos = save;
    }

    /** The value at {@code start} as text, for an action or the detectors. */
    private String text(Field f, int start) throws RecordException {
        int save = pos;
        pos = start;
        try {
            return scalar(f, Integer.MAX_VALUE);
        } finally {
            pos = save;
        }
    }

    /** Reads one scalar of the field's type at the cursor, as text. */
    private String scalar(Field f, int end) throws RecordException {
        return switch (f.fd.getType()) {
            case STRING -> {
                int n = length(end);
                String s = values.decode(buf, pos, n, pos - base);
                pos += n;
                yield s;
            }
            case BYTES -> {
                int n = length(end);
                String s = java.util.HexFormat.of().formatHex(buf, pos, pos + n);
                pos += n;
                yield s;
            }
            case INT32 -> Integer.toString((int) varint(end));
            case INT64 -> Long.toString(varint(end));
            case UINT32 -> Integer.toUnsignedString((int) varint(end));
            case UINT64 -> Long.toUnsignedString(varint(end));
            case SINT32, SINT64 -> {
                long z = varint(end);
                yield Long.toString((z >>> 1) ^ -(z & 1));
            }
            case BOOL -> varint(end) != 0 ? "true" : "false";
            case ENUM -> {
                int n = (int) varint(end);
                Descriptors.EnumValueDescriptor v = f.fd.getEnumType().findValueByNumber(n);
                yield v != null ? v.getName() : Integer.toString(n);
            }
            case FIXED32 -> Integer.toUnsignedString(fixed32(end));
            case SFIXED32 -> Integer.toString(fixed32(end));
            case FLOAT -> Float.toString(Float.intBitsToFloat(fixed32(end)));
            case FIXED64 -> Long.toUnsignedString(fixed64(end));
            case SFIXED64 -> Long.toString(fixed64(end));
            case DOUBLE -> Double.toString(Double.longBitsToDouble(fixed64(end)));
            default -> throw new IllegalStateException(f.fd.getType().toString());
        };
    }


    private void copy(int from, int to, long live) {
        for (int s = 0; live != 0; s++, live >>>= 1) {
            if ((live & 1) != 0) {
                out[s].write(buf, from, to - from);
            }
        }
    }

    // ---- reading

    private void skipValue(int wt, int end, int tagStart) throws RecordException {
        switch (wt) {
            case 0 -> varint(end);
            case 1 -> advance(8, end);
            case 2 -> {
                int n = length(end);
                pos += n;
            }
            case 5 -> advance(4, end);
            case 3, 4 -> throw new RecordException(Reason.UNSUPPORTED_SCHEMA, "a group (wire type " + wt + ") at byte "
                    + (tagStart - base) + ": groups are not supported");
            default -> throw new RecordException(Reason.MALFORMED, "wire type " + wt + " at byte " + (tagStart - base)
                    + " does not exist");
        }
    }

    private RecordException truncated() {
        return new RecordException(Reason.TRUNCATED, "record ends inside a value at byte " + (pos - base));
    }

    private void advance(int n, int end) throws RecordException {
        if (n > end - pos) {
            throw truncated();
        }
        pos += n;
    }

    /** A length prefix: non-negative and within {@code end}. */
    private int length(int end) throws RecordException {
        int at = pos;
        long n = varint(end);
        if (n < 0 || n > end - pos) {
            throw new RecordException(Reason.TRUNCATED, "a value of " + n + " bytes at byte " + (at - base)
                    + " runs past the end of its message");
        }
        return (int) n;
    }

    /** A base-128 varint of at most 10 bytes. */
    private long varint(int end) throws RecordException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end || pos >= buf.length) {
                throw truncated();
            }
            int b = buf[pos++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new RecordException(Reason.MALFORMED, "varint longer than 10 bytes at byte " + (pos - base));
    }

    private int fixed32(int end) throws RecordException {
        advance(4, end);
        return (buf[pos - 4] & 0xff) | (buf[pos - 3] & 0xff) << 8 | (buf[pos - 2] & 0xff) << 16 | (buf[pos - 1] & 0xff) << 24;
    }

    private long fixed64(int end) throws RecordException {
        long lo = fixed32(end) & 0xffffffffL;
        long hi = fixed32(end) & 0xffffffffL;
        return lo | hi << 32;
    }

    // ---- the compiled message tree

    /** What a segment does with a leaf field. */
    enum Kind { COPY, REPLACE, OMIT, DROP_RECORD, SCAN }

    /** One message type at one position of the tree. */
    static final class Msg {
        final Descriptors.Descriptor type;
        final int id;
        final Field[] fields;
        private final Field[] dense;
        private final Map<Integer, Field> sparse;
        final boolean passthrough;

        Msg(Descriptors.Descriptor type, int id, Field[] fields) {
            this.type = type;
            this.id = id;
            this.fields = fields;
            int max = 0;
            for (Field f : fields) {
                max = Math.max(max, f.number);
            }
            if (max <= 1024) {
                dense = new Field[max + 1];
                sparse = null;
                for (Field f : fields) {
                    dense[f.number] = f;
                }
            } else {
                dense = null;
                sparse = new HashMap<>();
                for (Field f : fields) {
                    sparse.put(f.number, f);
                }
            }
            boolean p = true;
            for (Field f : fields) {
                p &= f.passthrough;
            }
            this.passthrough = p;
        }

        Field find(int number) {
            if (number <= 0) {
                return null;
            }
            if (dense != null) {
                return number < dense.length ? dense[number] : null;
            }
            return sparse.get(number);
        }
    }

    static final class Field {
        final FieldDescriptor fd;
        final int number;
        final int wireType;
        final boolean packable;
        final Msg child;
        final String path;
        final DataClass cls;
        final String source;
        final boolean scan;
        final boolean numeric;
        final Kind[] kind;
        final Action[] action;
        /** Segments where the field is dropped (its number is reserved in the output descriptor). */
        final long dropped;
        final boolean passthrough;

        Field(FieldDescriptor fd, Msg child) {
            this.fd = fd;
            this.number = fd.getNumber();
            this.wireType = 2;
            this.packable = false;
            this.child = child;
            this.path = null;
            this.cls = null;
            this.source = null;
            this.scan = false;
            this.numeric = false;
            this.kind = null;
            this.action = null;
            this.dropped = 0;
            this.passthrough = child.passthrough;
        }

        Field(FieldDescriptor fd, String path, DataClass cls, String source, Kind[] kind, Action[] action, long dropped) {
            this.fd = fd;
            this.number = fd.getNumber();
            this.wireType = wireType(fd.getType());
            this.packable = fd.isRepeated() && wireType != 2;
            this.child = null;
            this.path = path;
            this.cls = cls;
            this.source = source;
            this.kind = kind;
            this.action = action;
            this.dropped = dropped;
            this.numeric = switch (fd.getJavaType()) {
                case INT, LONG, FLOAT, DOUBLE -> true;
                default -> false;
            };
            boolean scanned = false;
            boolean copyAll = true;
            for (Kind k : kind) {
                scanned |= k == Kind.SCAN;
                copyAll &= k == Kind.COPY;
            }
            this.scan = scanned;
            this.passthrough = copyAll;
        }

        static int wireType(FieldDescriptor.Type t) {
            return switch (t) {
                case DOUBLE, FIXED64, SFIXED64 -> 1;
                case FLOAT, FIXED32, SFIXED32 -> 5;
                case STRING, BYTES, MESSAGE -> 2;
                case GROUP -> 3;
                default -> 0;
            };
        }
    }

    /** Descriptor to tree: classification and each segment's kind per leaf, decided once. */
    private static final class Compiler {
        private final Plan plan;
        private final int segs;
        int maxDepth;
        private int ids;

        Compiler(Plan plan) {
            this.plan = plan;
            this.segs = plan.segments().size();
        }

        Msg message(Descriptors.Descriptor d, List<String> names, DataClass annotated, Set<String> open,
                    boolean mapEntry) {
            if (!open.add(d.getFullName())) {
                throw new IllegalArgumentException("message type " + d.getFullName() + " is recursive; Veil masks"
                        + " protobuf messages by field path and needs a type of finite depth");
            }
            maxDepth = Math.max(maxDepth, open.size());
            List<Field> fs = new ArrayList<>();
            for (FieldDescriptor fd : d.getFields()) {
                String where = fd.getFullName();
                if (fd.getType() == FieldDescriptor.Type.GROUP) {
                    throw new IllegalArgumentException(where + " is a group; groups are not supported");
                }
                boolean own = !mapEntry; // a map entry's key and value sit at the map field's own path
                if (own) {
                    names.add(fd.getName());
                }
                DataClass fc = annotation(fd, where);
                DataClass cls = fc != null ? fc : annotated;
                if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    boolean entry = fd.isMapField();
                    fs.add(new Field(fd, message(fd.getMessageType(), names, cls, open, entry)));
                } else if (mapEntry && fd.getNumber() == 1) {
                    fs.add(leaf(fd, names, cls == DataClass.NONE ? DataClass.NONE : null, true));
                } else {
                    fs.add(leaf(fd, names, cls, false));
                }
                if (own) {
                    names.remove(names.size() - 1);
                }
            }
            open.remove(d.getFullName());
            return new Msg(d, ids++, fs.toArray(new Field[0]));
        }

        /** The class the field's options give it, or null. */
        private DataClass annotation(FieldDescriptor fd, String where) {
            UnknownFieldSet u = fd.getOptions().getUnknownFields();
            String name = null;
            if (u.hasField(OPTION_PII_CLASS)) {
                List<com.google.protobuf.ByteString> l = u.getField(OPTION_PII_CLASS).getLengthDelimitedList();
                if (!l.isEmpty()) {
                    name = l.get(l.size() - 1).toStringUtf8();
                }
            }
            if (name == null && u.hasField(OPTION_PII)) {
                List<Long> l = u.getField(OPTION_PII).getVarintList();
                long n = l.isEmpty() ? 0 : l.get(l.size() - 1);
                if (n <= 0 || n >= PII_ENUM.size()) {
                    throw new IllegalArgumentException(where + ": (veil.pii) = " + n + " is not a value of veil.Pii;"
                            + " compile with the veil/options.proto this build ships");
                }
                name = PII_ENUM.get((int) n);
            }
            if (name == null) {
                return null;
            }
            DataClass c = plan.policy().classTable().get(name);
            if (c == null) {
                throw new IllegalArgumentException(where + ": the field option names class " + name
                        + ", which policy " + plan.policy().name() + " does not define; it has "
                        + plan.policy().classTable().classes().stream().map(DataClass::name).toList() + " and NONE");
            }
            return c;
        }

        private Field leaf(FieldDescriptor fd, List<String> names, DataClass annotated, boolean mapKey) {
            boolean string = fd.getType() == FieldDescriptor.Type.STRING;
            // a map key has no name of its own: only its content can classify it, and only text is scanned
            FieldPlan f = mapKey && annotated == null ? FieldPlan.unclassified(plan, String.join(".", names), string)
                    : FieldPlan.of(plan, names, annotated, string);
            Kind[] kind = new Kind[segs];
            Action[] action = new Action[segs];
            for (int i = 0; i < segs; i++) {
                action[i] = f.action(i);
                kind[i] = switch (f.kind(i)) {
                    case COPY -> Kind.COPY;
                    case REPLACE -> Kind.REPLACE;
                    case NULL, DROP -> Kind.OMIT;
                    case DROP_RECORD -> Kind.DROP_RECORD;
                    case SCAN -> Kind.SCAN;
                };
            }
            return new Field(fd, f.path(), f.dataClass(), f.source(), kind, action, f.dropped());
        }
    }

    /** A growable byte buffer with protobuf's encodings. */
    static final class Out {
        byte[] buf;
        int len;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        void reserve(int n) {
            ensure(n);
            len += n;
        }

        void write(byte[] src, int off, int n) {
            ensure(n);
            System.arraycopy(src, off, buf, len, n);
            len += n;
        }

        void writeVarint(long v) {
            ensure(10);
            while ((v & ~0x7fL) != 0) {
                buf[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void writeString(int number, CharSequence s) {
            writeVarint((long) number << 3 | 2);
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            writeVarint(b.length);
            write(b, 0, b.length);
        }

        /**
         * Fills in the length of the nested message written after the 5 bytes reserved at {@code mark}, moving it
         * back over the bytes the varint does not need.
         */
        void closeLength(int mark) {
            int start = mark + 5;
            int n = len - start;
            int size = 1;
            for (int v = n >>> 7; v != 0; v >>>= 7) {
                size++;
            }
            int at = mark;
            int v = n;
            while ((v & ~0x7f) != 0) {
                buf[at++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[at++] = (byte) v;
            if (size < 5) {
                System.arraycopy(buf, start, buf, mark + size, n);
                len -= 5 - size;
            }
        }
    }
}
