package dev.veil.avro;

import dev.veil.core.action.Action;
import dev.veil.core.codec.FieldPlan;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordException.Reason;
import dev.veil.core.codec.ValueMasking;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Masks Avro binary records of one writer schema for every segment of a plan in one pass, schema first: each field's
 * class is decided once, when the masker is compiled — a {@code "pii"} annotation on the field or its type, then the
 * policy's path rules, then field-name heuristics — and string fields no rule classifies are scanned by the content
 * detectors. Subtrees with nothing to mask in any segment are skipped and copied as bytes.
 *
 * <p>Each segment gets its own output schema ({@link #outputSchema}): a value an action replaces becomes a
 * {@code string} (a tokenized {@code long} is text now), a dropped field disappears, a nullified one becomes a union
 * with {@code null}. The views are bare Avro binary of those schemas. A record that is not valid binary of the writer
 * schema is refused with a {@link RecordException} naming the offset, never the content.
 *
 * <p>Not thread-safe: buffers are reused, and a view is valid until the next call. Compile one per thread.
 */
public final class AvroMasker implements dev.veil.core.codec.RecordMasker {
    /** The annotation that classifies a field: {@code {"name": "email", "type": "string", "pii": "EMAIL"}}. */
    public static final String PII = "pii";
    static final int MAX_SEGMENTS = 64;
    /** Items of zero-byte types (null, empty records) one record may declare: more is a length bomb. */
    static final long MAX_EMPTY_ITEMS = 1_000_000;

    private final Plan plan;
    private final Schema writer;
    private final int segs;
    private final Node root;
    private final Schema[] outputs;
    private final int maxBytes;
    private final Out[] out;
    private final Views views;
    private final boolean[] dropRecord;
    /** Segments whose view of this record masks something. */
    private long changed;
    private final ValueMasking values;
    private byte[] buf;
    private int pos;
    private int end;
    private int base;
    private long emptyItems;

    private AvroMasker(Plan plan, Schema writer) {
        this.plan = plan;
        this.writer = writer;
        this.segs = plan.segments().size();
        if (segs > MAX_SEGMENTS) {
            throw new IllegalArgumentException("an Avro masker serves at most " + MAX_SEGMENTS + " segments; this plan has "
                    + segs);
        }
        this.values = new ValueMasking(plan);
        this.maxBytes = plan.limits().maxRecordBytes();
        Compiler c = new Compiler(plan);
        this.root = c.node(writer, new ArrayList<>(), null, new java.util.HashSet<>());
        this.outputs = new Schema[segs];
        for (int s = 0; s < segs; s++) {
            outputs[s] = new OutputSchemas(s).of(root);
        }
        this.out = new Out[segs];
        for (int s = 0; s < segs; s++) {
            out[s] = new Out(256);
        }
        this.views = new Views(segs);
        this.dropRecord = new boolean[segs];
    }

    /**
     * Compiles a masker for records written with {@code writer}.
     *
     * @throws IllegalArgumentException when the schema is recursive, names a {@code pii} class the policy does not
     *                                  define, or the plan has more than 64 segments
     */
    public static AvroMasker compile(Plan plan, Schema writer) {
        return new AvroMasker(plan, writer);
    }

    public Plan plan() {
        return plan;
    }

    /** The schema the input records are written with. */
    public Schema writerSchema() {
        return writer;
    }

    /** The schema of segment {@code s}'s views, derived from the writer schema and the plan. */
    public Schema outputSchema(int s) {
        return outputs[s];
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

    /** One leaf of the writer schema: its path, class (null: unclassified), what decided it, whether it is scanned. */
    public record Classified(String path, DataClass dataClass, String source, boolean scanned) {
    }

    private static void collect(Node n, List<Classified> l) {
        if (n instanceof Leaf f) {
            if (f.type != Schema.Type.NULL) {
                l.add(new Classified(f.path, f.cls, f.source, f.scan));
            }
        } else if (n instanceof RecordNode r) {
            for (FieldNode f : r.fields) {
                collect(f.value, l);
            }
        } else if (n instanceof UnionNode u) {
            for (Node b : u.branches) {
                collect(b, l);
            }
        } else if (n instanceof ArrayNode a) {
            collect(a.items, l);
        } else if (n instanceof MapNode m) {
            collect(m.values, l);
        }
    }

    /** Occurrences of each class (by id) in the last record, classified fields and findings alike. */
    @Override
    public long[] recordClassCounts() {
        return values.recordCounts();
    }

    /**
     * Masks one record: {@code len} bytes of Avro binary of the writer schema from {@code off}.
     *
     * @throws RecordException when the bytes are not one valid record of the writer schema, or are too large
     */
    @Override
    public Views mask(byte[] record, int off, int len) throws RecordException {
        return mask(record, off, off + len, 0, true);
    }

    /**
     * Masks the record that starts at {@code off} in a run of records ending at {@code end} (the block of an Avro
     * container file); {@link #next()} then tells where the following record starts.
     */
    public Views maskNext(byte[] records, int off, int end) throws RecordException {
        return mask(records, off, end, 0, false);
    }

    /** Where the record masked last ended. */
    public int next() {
        return pos;
    }

    /**
     * Masks one record; each view starts with {@code headroom} bytes left for a header the caller writes in place.
     *
     * @param exact whether the record must end at {@code end} (else it ends where the schema says)
     */
    Views mask(byte[] record, int off, int end, int headroom, boolean exact) throws RecordException {
        int len = end - off;
        if (exact && len > maxBytes) {
            throw new RecordException(Reason.TOO_LARGE, "record of " + len + " bytes is over the limit of " + maxBytes);
        }
        this.buf = record;
        this.pos = off;
        this.base = off;
        this.end = end;
        this.emptyItems = 0;
        values.startRecord();
        java.util.Arrays.fill(dropRecord, false);
        changed = 0;
        for (Out o : out) {
            o.len = 0;
            o.reserve(headroom);
        }
        long all = segs == 64 ? -1L : (1L << segs) - 1;
        try {
            walk(root, all);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new RecordException(Reason.TRUNCATED, "record ends inside a value at byte " + (end - base));
        }
        if (exact && pos != end) {
            throw new RecordException(Reason.MALFORMED, (end - pos) + " bytes follow the record at byte " + (pos - base)
                    + "; the writer schema does not describe them");
        }
        if (!exact && pos - off > maxBytes) {
            throw new RecordException(Reason.TOO_LARGE, "record of " + (pos - off) + " bytes is over the limit of "
                    + maxBytes);
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

    private void walk(Node n, long live) throws RecordException {
        if (n.passthrough) {
            int start = pos;
            skip(n);
            copy(start, pos, live);
            return;
        }
        if (n instanceof Leaf f) {
            leaf(f, live);
        } else if (n instanceof RecordNode r) {
            for (FieldNode f : r.fields) {
                long l = live & ~f.omitted;
                changed |= live & (f.omitted | f.wrapNull);
                long w = l & f.wrapNull;
                for (int s = 0; w != 0; s++, w >>>= 1) {
                    if ((w & 1) != 0) {
                        out[s].write(0); // the null branch of the union the nullified field became
                    }
                }
                walk(f.value, l);
            }
        } else if (n instanceof UnionNode u) {
            int b = branch(u);
            for (int s = 0; s < segs; s++) {
                if ((live >>> s & 1) != 0) {
                    out[s].writeLong(u.outIndex[s][b]);
                }
            }
            walk(u.branches[b], live);
        } else if (n instanceof ArrayNode a) {
            long count;
            while ((count = blockCount(a.items)) != 0) {
                writeCount(count, live);
                for (long k = 0; k < count; k++) {
                    walk(a.items, live);
                }
            }
            writeCount(0, live);
        } else if (n instanceof MapNode m) {
            long count;
            while ((count = blockCount(m.values)) != 0) {
                writeCount(count, live);
                for (long k = 0; k < count; k++) {
                    int start = pos;
                    skipBytes();
                    copy(start, pos, live);
                    walk(m.values, live);
                }
            }
            writeCount(0, live);
        }
    }

    /** The branch index of the union value at the cursor, checked against the union. */
    private int branch(UnionNode u) throws RecordException {
        long i = readLong();
        if (i < 0 || i >= u.branches.length) {
            throw new RecordException(Reason.MALFORMED, "union branch " + i + " at byte " + (pos - base)
                    + " does not exist (the union has " + u.branches.length + ")");
        }
        return (int) i;
    }

    private void leaf(Leaf f, long live) throws RecordException {
        int start = pos;
        skip(f);
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
                case COPY -> o.write(buf, start, stop - start);
                case NULL -> changed |= 1L << s;
                case DROP_RECORD -> dropRecord[s] = true;
                case REPLACE -> {
                    if (value == null) {
                        value = text(f, start);
                    }
                    o.writeString(values.replace(f.action[s], value, f.number));
                    changed |= 1L << s;
                }
                case SCAN -> {
                    if (value == null) {
                        value = text(f, start);
                    }
                    // scanned once for every segment; findings in a field no rule or name classifies are drift
                    CharSequence masked = values.scan(s, value, f.source == null ? f.path : null);
                    dropRecord[s] |= values.dropRecord();
                    if (masked == null) {
                        o.write(buf, start, stop - start);
                    } else {
                        o.writeString(masked);
                        changed |= 1L << s;
                    }
                }
            }
        }
    }

    /** The value at {@code start} as text, for an action or the detectors. */
    private String text(Leaf f, int start) throws RecordException {
        int save = pos;
        pos = start;
        try {
            return switch (f.type) {
                case STRING, BYTES -> {
                    int n = length();
                    String s = f.type == Schema.Type.STRING ? values.decode(buf, pos, n, pos - base) : java.util.HexFormat.of().formatHex(buf, pos, pos + n);
                    pos += n;
                    yield s;
                }
                case INT, LONG -> Long.toString(readLong());
                case FLOAT -> Float.toString(Float.intBitsToFloat(readFixedInt()));
                case DOUBLE -> Double.toString(Double.longBitsToDouble(readFixedLong()));
                case BOOLEAN -> buf[pos++] != 0 ? "true" : "false";
                case ENUM -> {
                    long i = readLong();
                    yield f.schema.getEnumSymbols().get((int) i);
                }
                case FIXED -> {
                    String s = java.util.HexFormat.of().formatHex(buf, pos, pos + f.schema.getFixedSize());
                    pos += f.schema.getFixedSize();
                    yield s;
                }
                default -> "";
            };
        } finally {
            pos = save;
        }
    }


    private void copy(int from, int to, long live) {
        for (int s = 0; live != 0; s++, live >>>= 1) {
            if ((live & 1) != 0) {
                out[s].write(buf, from, to - from);
            }
        }
    }

    private void writeCount(long count, long live) {
        for (int s = 0; live != 0; s++, live >>>= 1) {
            if ((live & 1) != 0) {
                out[s].writeLong(count);
            }
        }
    }

    /** The item count of the next block (0 ends the array or map); a negative count is followed by its byte size. */
    private long blockCount(Node item) throws RecordException {
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new RecordException(Reason.MALFORMED, "block count out of range at byte " + (pos - base));
            }
            count = -count;
            long size = readLong();
            if (size < 0 || size > end - pos) {
                throw new RecordException(Reason.TRUNCATED, "block of " + size + " bytes at byte " + (pos - base)
                        + " runs past the record");
            }
        }
        if (item.minBytes > 0) {
            if (count > (end - pos) / item.minBytes) {
                throw new RecordException(Reason.TRUNCATED, "block of " + count + " items at byte " + (pos - base)
                        + " cannot fit in the " + (end - pos) + " bytes left");
            }
        } else if ((emptyItems += count) > MAX_EMPTY_ITEMS) {
            throw new RecordException(Reason.LIMIT, "more than " + MAX_EMPTY_ITEMS + " empty items in one record");
        }
        return count;
    }

    // ---- reading

    private void skip(Node n) throws RecordException {
        if (n instanceof Leaf f) {
            switch (f.type) {
                case NULL -> { }
                case BOOLEAN -> {
                    if (pos >= end) {
                        throw truncated();
                    }
                    pos++;
                }
                case INT -> {
                    long v = readLong();
                    if (v != (int) v) {
                        throw new RecordException(Reason.MALFORMED, "int out of range at byte " + (pos - base));
                    }
                }
                case LONG -> readLong();
                case FLOAT -> advance(4);
                case DOUBLE -> advance(8);
                case STRING, BYTES -> skipBytes();
                case FIXED -> advance(f.schema.getFixedSize());
                case ENUM -> {
                    long i = readLong();
                    if (i < 0 || i >= f.schema.getEnumSymbols().size()) {
                        throw new RecordException(Reason.MALFORMED, "enum symbol " + i + " at byte " + (pos - base)
                                + " does not exist");
                    }
                }
                default -> throw new IllegalStateException(f.type.toString());
            }
        } else if (n instanceof RecordNode r) {
            for (FieldNode f : r.fields) {
                skip(f.value);
            }
        } else if (n instanceof UnionNode u) {
            skip(u.branches[branch(u)]);
        } else if (n instanceof ArrayNode a) {
            long count;
            while ((count = blockCount(a.items)) != 0) {
                for (long k = 0; k < count; k++) {
                    skip(a.items);
                }
            }
        } else if (n instanceof MapNode m) {
            long count;
            while ((count = blockCount(m.values)) != 0) {
                for (long k = 0; k < count; k++) {
                    skipBytes();
                    skip(m.values);
                }
            }
        }
    }

    private RecordException truncated() {
        return new RecordException(Reason.TRUNCATED, "record ends inside a value at byte " + (pos - base));
    }

    private void advance(int n) throws RecordException {
        if (n > end - pos) {
            throw truncated();
        }
        pos += n;
    }

    private void skipBytes() throws RecordException {
        int n = length();
        pos += n;
    }

    /** A string or bytes length: non-negative and within the record. */
    private int length() throws RecordException {
        long n = readLong();
        if (n < 0) {
            throw new RecordException(Reason.MALFORMED, "negative length " + n + " at byte " + (pos - base));
        }
        if (n > end - pos) {
            throw new RecordException(Reason.TRUNCATED, "a value of " + n + " bytes at byte " + (pos - base)
                    + " runs past the end of the record");
        }
        return (int) n;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long readLong() throws RecordException {
        long v = 0;
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw truncated();
            }
            int b = buf[pos++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new RecordException(Reason.MALFORMED, "varint longer than 10 bytes at byte " + (pos - base));
            }
        }
        return (v >>> 1) ^ -(v & 1);
    }

    private int readFixedInt() throws RecordException {
        advance(4);
        return (buf[pos - 4] & 0xff) | (buf[pos - 3] & 0xff) << 8 | (buf[pos - 2] & 0xff) << 16 | (buf[pos - 1] & 0xff) << 24;
    }

    private long readFixedLong() throws RecordException {
        long lo = readFixedInt() & 0xffffffffL;
        long hi = readFixedInt() & 0xffffffffL;
        return lo | hi << 32;
    }

    // ---- the compiled schema tree

    /** What a segment does with a leaf value. */
    enum Kind { COPY, REPLACE, NULL, DROP_RECORD, SCAN }

    abstract static sealed class Node permits Leaf, RecordNode, UnionNode, ArrayNode, MapNode {
        final Schema schema;
        /** Nothing below changes in any segment: skipped and copied as bytes. */
        boolean passthrough;
        /** The fewest bytes a value of this type takes. */
        int minBytes;

        Node(Schema schema) {
            this.schema = schema;
        }
    }

    static final class Leaf extends Node {
        final Schema.Type type;
        final String path;
        final DataClass cls;
        final String source;
        final boolean scan;
        final boolean number;
        final Kind[] kind;
        final Action[] action;
        /** Segments where the enclosing field disappears (drop, drop-record). */
        long omitted;

        Leaf(Schema schema, String path, DataClass cls, String source, boolean scan, Kind[] kind, Action[] action) {
            super(schema);
            this.type = schema.getType();
            this.path = path;
            this.cls = cls;
            this.source = source;
            this.scan = scan;
            this.number = switch (type) {
                case INT, LONG, FLOAT, DOUBLE -> true;
                default -> false;
            };
            this.kind = kind;
            this.action = action;
        }
    }

    static final class FieldNode {
        final Schema.Field field;
        final Node value;
        /** Segments without this field. */
        final long omitted;
        /** Segments where the field is always null now and written as the null branch of a new union. */
        final long wrapNull;

        FieldNode(Schema.Field field, Node value, long omitted, long wrapNull) {
            this.field = field;
            this.value = value;
            this.omitted = omitted;
            this.wrapNull = wrapNull;
        }
    }

    static final class RecordNode extends Node {
        final FieldNode[] fields;

        RecordNode(Schema schema, FieldNode[] fields) {
            super(schema);
            this.fields = fields;
        }
    }

    static final class UnionNode extends Node {
        final Node[] branches;
        /** Per segment and input branch: the branch index in the output union. */
        int[][] outIndex;

        UnionNode(Schema schema, Node[] branches) {
            super(schema);
            this.branches = branches;
        }
    }

    static final class ArrayNode extends Node {
        final Node items;

        ArrayNode(Schema schema, Node items) {
            super(schema);
            this.items = items;
        }
    }

    static final class MapNode extends Node {
        final Node values;

        MapNode(Schema schema, Node values) {
            super(schema);
            this.values = values;
        }
    }

    /** Schema to tree: classification and each segment's kind per leaf, decided once. */
    private static final class Compiler {
        private final Plan plan;
        private final int segs;

        Compiler(Plan plan) {
            this.plan = plan;
            this.segs = plan.segments().size();
        }

        private DataClass annotation(org.apache.avro.JsonProperties p, String where) {
            Object v = p.getObjectProp(PII);
            if (v == null) {
                return null;
            }
            DataClass c = v instanceof String name ? plan.policy().classTable().get(name) : null;
            if (c == null) {
                throw new IllegalArgumentException(where + ": \"pii\": " + v + " is not a class of policy "
                        + plan.policy().name() + "; it has " + plan.policy().classTable().classes().stream()
                        .map(DataClass::name).toList() + " and NONE");
            }
            return c;
        }

        Node node(Schema s, List<String> names, DataClass annotated, java.util.Set<String> open) {
            DataClass own = annotation(s, String.join(".", names));
            if (own != null) {
                annotated = own;
            }
            return switch (s.getType()) {
                case RECORD -> {
                    if (!open.add(s.getFullName())) {
                        throw new IllegalArgumentException("schema " + s.getFullName() + " is recursive; Veil masks"
                                + " Avro records by field path and needs a schema of finite depth");
                    }
                    List<FieldNode> fs = new ArrayList<>();
                    for (Schema.Field f : s.getFields()) {
                        names.add(f.name());
                        DataClass fc = annotation(f, String.join(".", names));
                        Node v = node(f.schema(), names, fc != null ? fc : annotated, open);
                        names.remove(names.size() - 1);
                        long omitted = omittedIn(v);
                        long wrap = 0;
                        if (v instanceof Leaf l && l.type != Schema.Type.NULL) {
                            for (int i = 0; i < segs; i++) {
                                if (l.kind[i] == Kind.NULL) {
                                    wrap |= 1L << i;
                                }
                            }
                        }
                        fs.add(new FieldNode(f, v, omitted, wrap & ~omitted)); // a dropped field is not written
                    }
                    open.remove(s.getFullName());
                    RecordNode r = new RecordNode(s, fs.toArray(new FieldNode[0]));
                    r.passthrough = fs.stream().allMatch(f -> f.value.passthrough && f.omitted == 0 && f.wrapNull == 0);
                    r.minBytes = fs.stream().mapToInt(f -> f.value.minBytes).sum();
                    yield r;
                }
                case UNION -> {
                    List<Node> bs = new ArrayList<>();
                    for (Schema b : s.getTypes()) {
                        bs.add(node(b, names, annotated, open));
                    }
                    UnionNode u = new UnionNode(s, bs.toArray(new Node[0]));
                    u.passthrough = bs.stream().allMatch(b -> b.passthrough);
                    u.minBytes = 1;
                    yield u;
                }
                case ARRAY -> {
                    ArrayNode a = new ArrayNode(s, node(s.getElementType(), names, annotated, open));
                    a.passthrough = a.items.passthrough;
                    a.minBytes = 1;
                    yield a;
                }
                case MAP -> {
                    MapNode m = new MapNode(s, node(s.getValueType(), names, annotated, open));
                    m.passthrough = m.values.passthrough;
                    m.minBytes = 1;
                    yield m;
                }
                default -> leaf(s, names, annotated);
            };
        }

        private Leaf leaf(Schema s, List<String> names, DataClass annotated) {
            boolean nothing = s.getType() == Schema.Type.NULL;
            FieldPlan f = FieldPlan.of(plan, names, annotated, s.getType() == Schema.Type.STRING);
            Kind[] kind = new Kind[segs];
            Action[] action = new Action[segs];
            boolean scan = false;
            for (int i = 0; i < segs; i++) {
                action[i] = f.action(i);
                kind[i] = nothing ? Kind.COPY : switch (f.kind(i)) {
                    case COPY -> Kind.COPY;
                    case REPLACE -> Kind.REPLACE;
                    case NULL, DROP -> Kind.NULL; // a dropped field is omitted below: it is not written at all
                    case DROP_RECORD -> Kind.DROP_RECORD;
                    case SCAN -> Kind.SCAN;
                };
                scan |= kind[i] == Kind.SCAN;
            }
            Leaf l = new Leaf(s, f.path(), nothing ? null : f.dataClass(), f.source(), scan, kind, action);
            l.omitted = nothing ? 0 : f.dropped();
            boolean copyAll = true;
            for (Kind k : kind) {
                copyAll &= k == Kind.COPY;
            }
            l.passthrough = copyAll && l.omitted == 0;
            l.minBytes = switch (s.getType()) {
                case NULL -> 0;
                case FLOAT -> 4;
                case DOUBLE -> 8;
                case FIXED -> s.getFixedSize();
                default -> 1;
            };
            return l;
        }

        /** Segments where a field holding {@code v} disappears: a leaf or any union branch dropped there. */
        private long omittedIn(Node v) {
            if (v instanceof Leaf l) {
                return l.omitted;
            } else if (v instanceof UnionNode u) {
                long m = 0;
                for (Node b : u.branches) {
                    m |= omittedIn(b);
                }
                return m;
            } else if (v instanceof ArrayNode a) {
                return omittedIn(a.items);
            } else if (v instanceof MapNode m) {
                return omittedIn(m.values);
            }
            return 0; // a record: its own fields disappear, not the record
        }
    }

    /** Each segment's output schema, and the union branch mapping the walk writes with. */
    private final class OutputSchemas {
        private final int s;
        private final java.util.Map<String, Schema> named = new java.util.HashMap<>();

        OutputSchemas(int s) {
            this.s = s;
        }

        Schema of(Node n) {
            if (n instanceof Leaf l) {
                return switch (l.kind[s]) {
                    case COPY, DROP_RECORD -> l.schema;
                    case REPLACE, SCAN -> Schema.create(Schema.Type.STRING);
                    case NULL -> Schema.create(Schema.Type.NULL);
                };
            } else if (n instanceof RecordNode r) {
                return record(r);
            } else if (n instanceof UnionNode u) {
                return union(u);
            } else if (n instanceof ArrayNode a) {
                return Schema.createArray(of(a.items));
            }
            return Schema.createMap(of(((MapNode) n).values));
        }

        private Schema record(RecordNode r) {
            List<Schema.Field> fs = new ArrayList<>();
            for (FieldNode f : r.fields) {
                if ((f.omitted >>> s & 1) != 0) {
                    continue;
                }
                Schema v = of(f.value);
                Schema.Field nf;
                if ((f.wrapNull >>> s & 1) != 0) {
                    nf = new Schema.Field(f.field.name(), Schema.createUnion(Schema.create(Schema.Type.NULL),
                            f.value.schema), f.field.doc(), Schema.Field.NULL_DEFAULT_VALUE);
                } else if (v.equals(f.value.schema)) {
                    fs.add(new Schema.Field(f.field, v)); // unchanged: default, order, aliases and annotations kept
                    continue;
                } else {
                    nf = new Schema.Field(f.field.name(), v, f.field.doc());
                }
                for (java.util.Map.Entry<String, Object> p : f.field.getObjectProps().entrySet()) {
                    if (!p.getKey().equals(PII)) {
                        nf.addProp(p.getKey(), p.getValue());
                    }
                }
                for (String alias : f.field.aliases()) {
                    nf.addAlias(alias);
                }
                fs.add(nf);
            }
            Schema in = r.schema;
            Schema candidate = Schema.createRecord(in.getName(), in.getDoc(), in.getNamespace(), in.isError(), fs);
            String name = in.getFullName();
            // one name, one definition: a record masked differently in two places gets a suffix the second time
            for (int k = 2; named.containsKey(name) && !named.get(name).equals(candidate); k++) {
                name = in.getFullName() + "_" + k;
                candidate = Schema.createRecord(in.getName() + "_" + k, in.getDoc(), in.getNamespace(), in.isError(),
                        copyFields(fs));
            }
            Schema existing = named.get(name);
            if (existing != null) {
                return existing;
            }
            named.put(name, candidate);
            return candidate;
        }

        private List<Schema.Field> copyFields(List<Schema.Field> fs) {
            List<Schema.Field> l = new ArrayList<>();
            for (Schema.Field f : fs) {
                l.add(new Schema.Field(f, f.schema()));
            }
            return l;
        }

        private Schema union(UnionNode u) {
            List<Schema> types = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            int[] index = new int[u.branches.length];
            for (int b = 0; b < u.branches.length; b++) {
                Schema t = of(u.branches[b]);
                String key = t.getType() + ":" + (t.getType() == Schema.Type.RECORD || t.getType() == Schema.Type.ENUM
                        || t.getType() == Schema.Type.FIXED ? t.getFullName() : t.toString());
                int at = keys.indexOf(key);
                if (at < 0) {
                    keys.add(key);
                    types.add(t);
                    at = types.size() - 1;
                }
                index[b] = at;
            }
            if (u.outIndex == null) {
                u.outIndex = new int[segs][];
            }
            u.outIndex[s] = index;
            return Schema.createUnion(types);
        }
    }

    /** A growable byte buffer with Avro's encodings. */
    static final class Out {
        byte[] buf;
        int len;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        /** Leaves {@code n} bytes to be filled in place (a header). */
        void reserve(int n) {
            ensure(n);
            len += n;
        }

        void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void write(byte[] src, int off, int n) {
            ensure(n);
            System.arraycopy(src, off, buf, len, n);
            len += n;
        }

        void writeLong(long v) {
            ensure(10);
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7fL) != 0) {
                buf[len++] = (byte) ((z & 0x7f) | 0x80);
                z >>>= 7;
            }
            buf[len++] = (byte) z;
        }

        void writeString(CharSequence s) {
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            writeLong(b.length);
            write(b, 0, b.length);
        }
    }
}
