package dev.veil.connect;

import dev.veil.core.codec.FieldPlan;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.ValueMasking;
import dev.veil.core.engine.Plan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Masks Kafka Connect data — a {@link Struct} with its schema, or schemaless maps, lists and strings — for one segment
 * of a plan. A schema is compiled once into a tree of per-field decisions ({@link FieldPlan}: path rule, enclosing
 * rule, field-name heuristics, else content scanning) and an output schema: a non-string field a segment replaces
 * becomes an optional string, a nullified field becomes optional, a dropped field leaves the schema. Schemaless keys
 * are classified the first time they are seen. A Debezium change event ({@code before}/{@code after} envelope) is
 * masked by the row's paths, so the policy names {@code email}, not {@code after.email}. Not thread-safe.
 */
final class ConnectMasker {
    /** Thrown, without a stack trace, when the segment drops the whole record. */
    static final class Dropped extends Exception {
        private static final long serialVersionUID = 1L;

        private Dropped() {
            super("record dropped by the policy", null, false, false);
        }
    }

    /** Which values are read as Debezium change events. */
    enum Envelope { AUTO, NONE, DEBEZIUM }

    /** A masked value and the schema it now has (null when schemaless). */
    record Out(Schema schema, Object value) {
    }

    private static final Dropped DROPPED = new Dropped();
    private static final int MAX_SCHEMAS = 1024;
    private static final int MAX_PATHS = 8192;

    private final Plan plan;
    private final Envelope envelope;
    private final ValueMasking values;
    private final FieldPlan free;
    private final Map<Schema, Node> compiled = new IdentityHashMap<>();
    private final Map<String, FieldPlan> paths = new HashMap<>();
    private final ArrayList<String> names = new ArrayList<>();
    private final int maxDepth;

    ConnectMasker(Plan plan, Envelope envelope) {
        if (plan.segments().size() != 1) {
            throw new IllegalArgumentException("a Connect transformation masks for one segment");
        }
        this.plan = plan;
        this.envelope = envelope;
        this.values = new ValueMasking(plan);
        this.free = FieldPlan.text(plan);
        this.maxDepth = plan.limits().maxDepth();
    }

    void onDrift(JsonMasker.Drift drift) {
        values.onDrift(drift);
    }


    /**
     * The value as the segment sees it.
     *
     * @throws Dropped when the segment drops the record
     * @throws DataException when the value does not match its schema
     */
    Out mask(Schema schema, Object value) throws Dropped {
        values.startRecord();
        if (value == null) {
            return new Out(schema, null);
        }
        if (schema == null) {
            names.clear();
            return new Out(null, schemaless(value, isEnvelope(value), true, 0));
        }
        Node n = compiled.get(schema);
        if (n == null) {
            if (compiled.size() >= MAX_SCHEMAS) {
                compiled.clear();
            }
            n = compile(schema, List.of(), envelope != Envelope.NONE);
            compiled.put(schema, n);
        }
        return new Out(n.out, n.apply(this, value));
    }

    // ---- schemas -------------------------------------------------------------------------------------------------

    /** One compiled schema node: its output schema and how to mask a value of it. */
    abstract static class Node {
        final Schema in;
        final Schema out;

        Node(Schema in, Schema out) {
            this.in = in;
            this.out = out;
        }

        abstract Object apply(ConnectMasker m, Object v) throws Dropped;

        /** Whether nothing under this node can change a value. */
        boolean copies() {
            return false;
        }
    }

    static final class Copy extends Node {
        Copy(Schema s) {
            super(s, s);
        }

        @Override
        Object apply(ConnectMasker m, Object v) {
            return v;
        }

        @Override
        boolean copies() {
            return true;
        }
    }

    static final class Leaf extends Node {
        final FieldPlan plan;

        Leaf(Schema in, Schema out, FieldPlan plan) {
            super(in, out);
            this.plan = plan;
        }

        @Override
        Object apply(ConnectMasker m, Object v) throws Dropped {
            return v == null ? null : m.leaf(plan, v);
        }
    }

    static final class StructNode extends Node {
        final Field[] inFields;
        final Node[] children;
        /** Output field per input field; null where the field is dropped. */
        final Field[] outFields;

        StructNode(Schema in, Schema out, Node[] children) {
            super(in, out);
            this.children = children;
            this.inFields = in.fields().toArray(new Field[0]);
            this.outFields = new Field[inFields.length];
            for (int i = 0; i < inFields.length; i++) {
                outFields[i] = out.field(inFields[i].name());
            }
        }

        @Override
        Object apply(ConnectMasker m, Object v) throws Dropped {
            if (v == null) {
                return null;
            }
            Struct s = (Struct) v;
            Struct o = new Struct(out);
            for (int i = 0; i < inFields.length; i++) {
                Object x = s.get(inFields[i]);
                Object y = children[i].apply(m, x);
                if (outFields[i] != null) {
                    o.put(outFields[i], y);
                }
            }
            return o;
        }
    }

    static final class ArrayNode extends Node {
        final Node element;

        ArrayNode(Schema in, Schema out, Node element) {
            super(in, out);
            this.element = element;
        }

        @Override
        Object apply(ConnectMasker m, Object v) throws Dropped {
            if (v == null) {
                return null;
            }
            Collection<?> list = (Collection<?>) v;
            List<Object> o = new ArrayList<>(list.size());
            for (Object x : list) {
                Object y = element.apply(m, x);
                o.add(y);
            }
            return o;
        }
    }

    /** A map with string keys and primitive values: each key is a field name, classified when first seen. */
    static final class KeyedMap extends Node {
        final List<String> prefix;
        /** The prefix as the path cache spells it, joined once here rather than per entry. */
        final String prefixKey;
        final boolean string;

        KeyedMap(Schema in, Schema out, List<String> prefix) {
            super(in, out);
            this.prefix = prefix;
            this.prefixKey = String.join("\u0000", prefix);
            this.string = in.valueSchema().type() == Schema.Type.STRING;
        }

        @Override
        Object apply(ConnectMasker m, Object v) throws Dropped {
            if (v == null) {
                return null;
            }
            Map<?, ?> map = (Map<?, ?>) v;
            Map<Object, Object> o = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object x = e.getValue();
                FieldPlan f = m.pathPlan(prefix, prefixKey, String.valueOf(e.getKey()));
                FieldPlan.Kind k = f.kind(0);
                if (x == null || k == FieldPlan.Kind.COPY || (k == FieldPlan.Kind.SCAN && !string)) {
                    o.put(e.getKey(), x);
                    continue;
                }
                Object y = m.leaf(f, x);
                if (k == FieldPlan.Kind.DROP) {
                    continue; // the entry leaves the map
                }
                if (!string && y != x) {
                    y = null; // the map's values keep their type: a replaced number is nullified, never left raw
                }
                o.put(e.getKey(), y);
            }
            return o;
        }
    }

    /** Any other map: every value is masked by one node, under the map's own path. */
    static final class ValuesMap extends Node {
        final Node value;

        ValuesMap(Schema in, Schema out, Node value) {
            super(in, out);
            this.value = value;
        }

        @Override
        Object apply(ConnectMasker m, Object v) throws Dropped {
            if (v == null) {
                return null;
            }
            Map<?, ?> map = (Map<?, ?>) v;
            Map<Object, Object> o = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object y = value.apply(m, e.getValue());
                o.put(e.getKey(), y);
            }
            return o;
        }
    }

    private Node compile(Schema s, List<String> path, boolean root) {
        switch (s.type()) {
            case STRUCT -> {
                boolean env = root && isEnvelope(s);
                List<Field> fields = s.fields();
                Node[] children = new Node[fields.size()];
                boolean copies = true;
                boolean same = true;
                for (int i = 0; i < children.length; i++) {
                    Field f = fields.get(i);
                    if (env) {
                        boolean row = f.name().equals("before") || f.name().equals("after");
                        // beside the rows, source.query (SQL with its values) and the like are masked by their own paths
                        children[i] = compile(f.schema(), row ? List.of() : append(path, f.name()), false);
                    } else {
                        children[i] = compile(f.schema(), append(path, f.name()), false);
                    }
                    copies &= children[i].copies();
                    same &= children[i].out == f.schema() && !isDrop(children[i]);
                }
                if (copies) {
                    return new Copy(s);
                }
                if (same) {
                    return new StructNode(s, s, children);
                }
                SchemaBuilder b = builder(s, SchemaBuilder.struct());
                for (int i = 0; i < children.length; i++) {
                    if (!isDrop(children[i])) {
                        b.field(fields.get(i).name(), children[i].out);
                    }
                }
                return new StructNode(s, b.build(), children);
            }
            case ARRAY -> {
                Node e = compile(s.valueSchema(), path, false);
                if (isDrop(e)) {
                    return new Leaf(s, s, ((Leaf) e).plan); // the array leaves with its elements
                }
                if (e.copies()) {
                    return new Copy(s);
                }
                if (e.out == e.in) {
                    return new ArrayNode(s, s, e);
                }
                return new ArrayNode(s, builder(s, SchemaBuilder.array(e.out)).build(), e);
            }
            case MAP -> {
                if (s.keySchema().type() == Schema.Type.STRING && s.valueSchema().type().isPrimitive()) {
                    Schema valueOut = optional(s.valueSchema());
                    return new KeyedMap(s, builder(s, SchemaBuilder.map(s.keySchema(), valueOut)).build(), path);
                }
                Node v = compile(s.valueSchema(), path, false);
                if (isDrop(v)) {
                    return new Leaf(s, s, ((Leaf) v).plan); // the map leaves with its values
                }
                return v.copies() ? new Copy(s)
                        : new ValuesMap(s, builder(s, SchemaBuilder.map(s.keySchema(), v.out)).build(), v);
            }
            default -> {
                // named strings too (Debezium's Json, Xml, Enum): their text can hold anything
                boolean string = s.type() == Schema.Type.STRING;
                FieldPlan f = path.isEmpty() ? FieldPlan.unclassified(plan, "", string)
                        : FieldPlan.of(plan, path, null, string);
                return switch (f.kind(0)) {
                    case COPY -> f.dataClass() == null ? new Copy(s) : new Leaf(s, s, f); // a Leaf counts the class
                    case NULL -> new Leaf(s, optional(s), f);
                    case REPLACE -> new Leaf(s, string ? s : optionalString(s), f);
                    default -> new Leaf(s, s, f); // SCAN; DROP leaves the struct; DROP_RECORD drops the record
                };
            }
        }
    }

    private static boolean isDrop(Node n) {
        return n instanceof Leaf l && l.plan.kind(0) == FieldPlan.Kind.DROP;
    }

    private static SchemaBuilder builder(Schema s, SchemaBuilder b) {
        if (s.name() != null) {
            b.name(s.name());
        }
        if (s.version() != null) {
            b.version(s.version());
        }
        if (s.doc() != null) {
            b.doc(s.doc());
        }
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        if (s.isOptional()) {
            b.optional();
        }
        return b;
    }

    private static Schema optional(Schema s) {
        if (s.isOptional()) {
            return s;
        }
        SchemaBuilder b = builder(s, SchemaBuilder.type(s.type()));
        return b.optional().build();
    }

    private static Schema optionalString(Schema s) {
        SchemaBuilder b = SchemaBuilder.string().optional();
        if (s.doc() != null) {
            b.doc(s.doc());
        }
        return b.build();
    }

    private static List<String> append(List<String> path, String name) {
        List<String> l = new ArrayList<>(path.size() + 1);
        l.addAll(path);
        l.add(name);
        return List.copyOf(l);
    }

    private boolean isEnvelope(Schema s) {
        if (envelope == Envelope.NONE) {
            return false;
        }
        boolean shaped = s.field("op") != null && (s.field("after") != null || s.field("before") != null);
        return shaped && (envelope == Envelope.DEBEZIUM || (s.name() != null && s.name().endsWith(".Envelope")));
    }

    private boolean isEnvelope(Object v) {
        if (envelope == Envelope.NONE || !(v instanceof Map<?, ?> m)) {
            return false;
        }
        boolean shaped = m.containsKey("op") && (m.containsKey("after") || m.containsKey("before"));
        return shaped && (envelope == Envelope.DEBEZIUM || m.containsKey("source"));
    }

    // ---- values --------------------------------------------------------------------------------------------------

    /** A primitive value of field {@code f}; DROP is the caller's, everything else happens here. */
    private Object leaf(FieldPlan f, Object v) throws Dropped {
        values.count(f);
        FieldPlan.Kind k = f.kind(0);
        switch (k) {
            case COPY:
                return v;
            case DROP:
                return null; // callers leave the field out; no path hands the raw value on
            case NULL:
                return null;
            case DROP_RECORD:
                throw DROPPED;
            default:
                break;
        }
        if (k == FieldPlan.Kind.SCAN && !(v instanceof String)) {
            return v; // only text is scanned
        }
        CharSequence m = values.value(f, 0, text(v), v instanceof Number);
        if (values.dropRecord()) {
            throw DROPPED;
        }
        if (m == null) {
            return v;
        }
        return m.toString();
    }

    private static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (v instanceof java.nio.ByteBuffer b) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            return Base64.getEncoder().encodeToString(a);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof java.util.Date d) {
            return d.toInstant().toString();
        }
        return String.valueOf(v);
    }

    /**
     * The plan of field {@code key} under {@code prefix}, cached by its steps NUL-joined ({@code prefixKey}):
     * {@code {"customer.email": ..}} (one step) and {@code {"customer": {"email": ..}}} (two) are different fields.
     */
    private FieldPlan pathPlan(List<String> prefix, String prefixKey, String key) {
        String joined = prefix.isEmpty() ? key : prefixKey + '\u0000' + key;
        FieldPlan f = paths.get(joined);
        if (f == null) {
            f = FieldPlan.of(plan, append(prefix, key));
            if (paths.size() < MAX_PATHS) {
                paths.put(joined, f);
            }
        }
        return f;
    }

    /** A schemaless value: maps are objects whose keys are field names, lists are transparent. */
    private Object schemaless(Object v, boolean envelopeRoot, boolean root, int depth) throws Dropped {
        if (depth > maxDepth) {
            throw new DataException("schemaless value nested deeper than " + maxDepth + " levels");
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> o = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object x = e.getValue();
                if (envelopeRoot && (key.equals("before") || key.equals("after"))) {
                    o.put(e.getKey(), schemaless(x, false, false, depth + 1)); // the row, by its own paths
                    continue;
                }
                if (x instanceof Map || x instanceof List) {
                    names.add(key);
                    o.put(e.getKey(), schemaless(x, false, false, depth + 1));
                    names.remove(names.size() - 1);
                    continue;
                }
                if (x == null) {
                    o.put(e.getKey(), null);
                    continue;
                }
                FieldPlan f = pathPlan(names, String.join("\u0000", names), key);
                if (f.kind(0) == FieldPlan.Kind.DROP) {
                    values.count(f);
                    continue;
                }
                o.put(e.getKey(), leaf(f, x));
            }
            return o;
        }
        if (v instanceof List<?> list) {
            List<Object> o = new ArrayList<>(list.size());
            for (Object x : list) {
                if (x instanceof Map || x instanceof List) {
                    o.add(schemaless(x, false, false, depth + 1));
                } else if (x instanceof String s && names.isEmpty()) {
                    o.add(leaf(free, s));
                } else if (x != null && !names.isEmpty()) {
                    List<String> parent = names.subList(0, names.size() - 1);
                    FieldPlan f = pathPlan(parent, String.join("\u0000", parent), names.get(names.size() - 1));
                    o.add(f.kind(0) == FieldPlan.Kind.DROP ? null : leaf(f, x));
                } else {
                    o.add(x);
                }
            }
            return o;
        }
        if (v instanceof String s && root) {
            return leaf(free, s); // a whole line of text (StringConverter)
        }
        if (root && (v instanceof Number || v instanceof Boolean)) {
            return v;
        }
        throw new DataException("cannot mask a schemaless value of type " + v.getClass().getName()
                + "; use a converter that gives maps, lists, strings or Structs with a schema");
    }
}
