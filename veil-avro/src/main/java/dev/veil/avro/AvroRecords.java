package dev.veil.avro;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordException.Reason;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Masks framed Avro records — Confluent wire format or single-object encoding — whose writer schemas come from a
 * {@link SchemaSource}. The first record of each writer schema compiles a masker and registers each segment's
 * derived output schema under that segment's subject; every view names its output schema the way its input named
 * the writer's. Records of unknown schemas, and those whose output schema a subject refuses, are refused (to be
 * quarantined), never passed on.
 *
 * <p>Not thread-safe, like {@link AvroMasker}: one per thread.
 */
public final class AvroRecords implements dev.veil.core.codec.RecordMasker {
    /** How records name their writer schema. */
    public enum Framing { CONFLUENT, SINGLE_OBJECT }

    private final Plan plan;
    private final Framing framing;
    private final SchemaSource schemas;
    private final List<String> subjects;
    private final Map<Long, Compiled> compiled = new HashMap<>();
    private final long[] noCounts;
    private AvroMasker last;

    /** One writer schema: its masker and each segment's output schema as registered, or why it is refused. */
    private record Compiled(AvroMasker masker, long[] outputs, Reason reason, String refusal) {
        static Compiled refused(Reason reason, String why) {
            return new Compiled(null, null, reason, why);
        }
    }

    /** The last writer schema seen: a stream mostly carries one, so the map (and a boxed key) is rarely needed. */
    private long lastKey;
    private Compiled lastCompiled;

    /**
     * @param subjects per plan segment, the subject its output schemas are registered under (for Kafka, the output
     *                 topic's {@code TOPIC-value})
     */
    public AvroRecords(Plan plan, Framing framing, SchemaSource schemas, List<String> subjects) {
        if (subjects.size() != plan.segments().size()) {
            throw new IllegalArgumentException("one output subject per segment: " + plan.segments());
        }
        this.plan = plan;
        this.framing = framing;
        this.schemas = schemas;
        this.subjects = List.copyOf(subjects);
        this.noCounts = new long[plan.policy().classTable().size()];
    }

    private dev.veil.core.codec.JsonMasker.Drift drift;

    /**
     * Reports undeclared sensitive fields of every writer schema, once each: fields the names classify as soon as the
     * schema is compiled (before its records are masked), fields whose content shows a class as records show it.
     */
    @Override
    public void onDrift(dev.veil.core.codec.JsonMasker.Drift listener) {
        this.drift = listener;
    }

    /** The masker for the writer schema a record names, compiled on first use. */
    public AvroMasker masker(byte[] b, int off, int len) throws RecordException {
        return compiled(b, off, len).masker();
    }

    private Compiled compiled(byte[] b, int off, int len) throws RecordException {
        long key = framing == Framing.CONFLUENT ? AvroWire.confluentId(b, off, len)
                : AvroWire.singleObjectFingerprint(b, off, len);
        Compiled c = lastCompiled != null && lastKey == key ? lastCompiled : compiled.get(key);
        if (c == null) {
            c = compile(key);
            compiled.put(key, c);
        }
        lastKey = key;
        lastCompiled = c;
        if (c.refusal() != null) {
            throw new RecordException(c.reason(), c.refusal());
        }
        return c;
    }

    private Compiled compile(long key) throws RecordException {
        String name = framing == Framing.CONFLUENT ? "schema id " + key : "schema fingerprint " + Long.toHexString(key);
        Schema writer;
        try {
            writer = framing == Framing.CONFLUENT ? schemas.byId((int) key) : schemas.byFingerprint(key);
        } catch (Exception e) {
            // not cached: the next record asks again, so a registry that comes back is used
            throw new RecordException(Reason.UNKNOWN_SCHEMA, name + " could not be read from " + schemas.describe()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        if (writer == null) {
            throw new RecordException(Reason.UNKNOWN_SCHEMA, "no " + name + " in " + schemas.describe());
        }
        AvroMasker m;
        try {
            m = AvroMasker.compile(plan, writer);
            if (drift != null) {
                m.onDrift(drift);
            }
        } catch (IllegalArgumentException e) {
            return Compiled.refused(Reason.UNSUPPORTED_SCHEMA, name + " cannot be masked: " + e.getMessage());
        }
        long[] outputs = new long[subjects.size()];
        for (int s = 0; s < outputs.length; s++) {
            Schema o = m.outputSchema(s);
            try {
                int id = schemas.register(subjects.get(s), o);
                outputs[s] = framing == Framing.CONFLUENT ? id : SchemaNormalization.parsingFingerprint64(o);
            } catch (SchemaSource.IncompatibleSchema e) {
                return Compiled.refused(Reason.INCOMPATIBLE_SCHEMA, "the " + plan.segments().get(s) + " view of " + name
                        + " needs a schema " + subjects.get(s) + " refuses: " + e.getMessage());
            } catch (Exception e) {
                throw new RecordException(Reason.UNKNOWN_SCHEMA, "the output schema of " + plan.segments().get(s)
                        + " could not be registered in " + schemas.describe() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return new Compiled(m, outputs, null, null);
    }

    /** Occurrences of each class (by id) in the last record masked, classified fields and findings alike. */
    @Override
    public long[] recordClassCounts() {
        return last == null ? noCounts : last.recordClassCounts();
    }

    /** Masks one framed record; each view is framed with its segment's output schema. */
    @Override
    public Views mask(byte[] b, int off, int len) throws RecordException {
        Compiled c = compiled(b, off, len);
        int header = framing == Framing.CONFLUENT ? AvroWire.CONFLUENT_HEADER : AvroWire.SINGLE_OBJECT_HEADER;
        last = null;
        // the masker leaves room for the header in each view, so the framing is written in place, not copied
        Views v = c.masker().mask(b, off + header, off + len, header, true);
        last = c.masker();
        for (int s = 0; s < subjects.size(); s++) {
            if (v.dropped(s)) {
                continue;
            }
            if (framing == Framing.CONFLUENT) {
                AvroWire.confluentHeader((int) c.outputs()[s], v.array(s), v.offset(s));
            } else {
                AvroWire.singleObjectHeader(c.outputs()[s], v.array(s), v.offset(s));
            }
        }
        return v;
    }
}
