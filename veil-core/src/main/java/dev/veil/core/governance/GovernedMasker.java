package dev.veil.core.governance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.veil.core.classify.PathAutomaton;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.ConsentSpec;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.PathPattern;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masks records of one stream for every segment of a plan, with grants and consent applied: a record of a subject
 * who opted out is dropped or fully redacted in every segment; in a segment with an active grant whose scope
 * covers the record, the view comes from the plan with that grant's classes and fields lifted, and each such
 * record is reported as a {@link Use}. Without grants or opt-outs it costs one reference check per record.
 *
 * <p>Not thread-safe: one per thread, like the masker it wraps.
 */
public final class GovernedMasker {
    // The masker has already held the record to the plan's limits; these reads must not refuse what it accepted.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build())
            .build();
    private static final String REDACTED = "[REDACTED]";

    /** A record masked differently because of grants: which grant, in which segment, and what it lifted (no values). */
    public record Use(String grantId, String segment, Map<String, Long> classes, List<String> fields) {
    }

    private final Plan plan;
    private final String stream;
    private final JsonMasker base;
    private final PathAutomaton.State subjectStart;
    private final ConsentSpec.OnOptOut onOptOut;
    private Governance governance = Governance.NONE;
    private final Map<String, JsonMasker> lifted = new HashMap<>();
    private final List<Use> uses = new ArrayList<>();
    private boolean suppressed;
    /** Per segment: the grants of the current governance for this stream and segment; null when none anywhere. */
    private List<List<Governance.Effective>> candidates;
    private final List<Governance.Effective> hits = new ArrayList<>(2);
    // per record, read at most once and only when needed
    private String fingerprint;
    private boolean fingerprintRead;
    private boolean subjectFailed;
    private String keyText;

    /** @param stream the stream name grants are scoped to (the input topic; for files, the name given to the run) */
    public GovernedMasker(Plan plan, String stream) {
        this.plan = plan;
        this.stream = stream;
        this.base = new JsonMasker(plan);
        ConsentSpec c = plan.policy().consent();
        this.subjectStart = c == null ? null
                : PathAutomaton.compile(List.of(new FieldRule(c.subject(), DataClass.NONE, c.location()))).start();
        this.onOptOut = c == null ? null : c.onOptOut();
    }

    /** The masker without grants, for its counters. */
    public JsonMasker base() {
        return base;
    }

    public Plan plan() {
        return plan;
    }

    /**
     * Masks one JSON record.
     *
     * @param key    the record key (Kafka), or null
     * @param g      grants and consent now in force
     * @param now    the time grants' windows are checked against, epoch milliseconds
     */
    public Views mask(byte[] buf, int off, int len, byte[] key, Governance g, long now) throws RecordException {
        uses.clear();
        suppressed = false;
        fingerprintRead = false;
        subjectFailed = false;
        fingerprint = null;
        keyText = null;
        if (g != governance) {
            adopt(g);
        }
        Views v = base.mask(buf, off, len);
        boolean consent = g.anyOptOut() && subjectStart != null;
        if (!consent && candidates == null) {
            return v;
        }
        if (consent && (g.optedOut(fingerprint(buf, off, len, g)) || subjectFailed)) {
            // a subject that cannot be read might be one who opted out: fail closed
            suppressed = true;
            byte[] redacted = onOptOut == ConsentSpec.OnOptOut.REDACT_ALL ? redactAll(buf, off, len) : null;
            for (int s = 0; s < v.size(); s++) {
                if (redacted == null) {
                    v.drop(s);
                } else {
                    v.override(s, redacted);
                }
            }
            return v;
        }
        if (candidates == null) {
            return v;
        }
        List<String> segments = plan.segments();
        for (int s = 0; s < segments.size(); s++) {
            hits.clear();
            for (Governance.Effective e : candidates.get(s)) {
                if (e.grant().activeAt(now) && covers(e, buf, off, len, key, g)) {
                    hits.add(e);
                }
            }
            if (hits.isEmpty()) {
                continue;
            }
            JsonMasker m = liftedMasker(s, hits);
            Views lv = m.mask(buf, off, len);
            if (lv.sameAs(0, v, s)) {
                continue; // nothing in scope was in this record: no use to report
            }
            v.override(s, lv, 0);
            long[] counts = m.recordClassCounts();
            for (Governance.Effective e : hits) {
                Map<String, Long> cls = new LinkedHashMap<>();
                for (DataClass c : e.classes()) {
                    if (counts[c.id()] > 0) {
                        cls.put(c.name(), counts[c.id()]);
                    }
                }
                uses.add(new Use(e.grant().id(), segments.get(s), cls, e.grant().fields()));
            }
        }
        return v;
    }

    /** Grant uses in the record last masked. */
    public List<Use> uses() {
        return uses;
    }

    /** Whether the record last masked belonged to a subject who opted out. */
    public boolean suppressed() {
        return suppressed;
    }

    /** Takes on new grants and consent: the grants of this stream per segment, and no lifted plan of the old ones. */
    private void adopt(Governance g) {
        governance = g;
        lifted.clear();
        candidates = null;
        List<List<Governance.Effective>> per = new ArrayList<>();
        boolean any = false;
        for (String segment : plan.segments()) {
            List<Governance.Effective> l = g.grants(stream, segment);
            any |= !l.isEmpty();
            per.add(l);
        }
        if (any) {
            candidates = per;
        }
    }

    private boolean covers(Governance.Effective e, byte[] buf, int off, int len, byte[] key, Governance g) {
        if (e.keyPattern() != null) {
            if (key == null) {
                return false;
            }
            if (keyText == null) {
                keyText = new String(key, StandardCharsets.UTF_8);
            }
            if (!e.keyPattern().matches(keyText)) {
                return false;
            }
        }
        if (e.needsSubject()) {
            String fp = subjectStart == null ? null : fingerprint(buf, off, len, g);
            return fp != null && e.subjects().contains(fp);
        }
        return true;
    }

    /** The keyed fingerprint of the record's subject id (null without one), computed once per record. */
    private String fingerprint(byte[] buf, int off, int len, Governance g) {
        if (!fingerprintRead) {
            fingerprintRead = true;
            fingerprint = g.fingerprint(subject(buf, off, len));
        }
        return fingerprint;
    }

    private JsonMasker liftedMasker(int s, List<Governance.Effective> hits) {
        // keyed by segment and grant ids: each combination of grants is compiled once per governance
        StringBuilder k = new StringBuilder().append(s);
        for (Governance.Effective e : hits) {
            k.append('\u0000').append(e.grant().id());
        }
        return lifted.computeIfAbsent(k.toString(), x -> {
            Set<DataClass> classes = new LinkedHashSet<>();
            List<PathPattern> fields = new ArrayList<>();
            for (Governance.Effective e : hits) { // read now, before the reused list changes
                classes.addAll(e.classes());
                fields.addAll(e.fields());
            }
            return new JsonMasker(plan.lifted(s, classes, fields));
        });
    }

    /** The subject id of the record (string or number as written), or null when the record has none. */
    private String subject(byte[] buf, int off, int len) {
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            // per open container: the automaton state of its path, and whether it is an array
            ArrayList<PathAutomaton.State> states = new ArrayList<>();
            ArrayList<Boolean> arrays = new ArrayList<>();
            PathAutomaton.State pending = subjectStart;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> pending = states.get(states.size() - 1).next(p.currentName());
                    case START_OBJECT, START_ARRAY -> {
                        states.add(pending);
                        arrays.add(t == JsonToken.START_ARRAY);
                    }
                    case END_OBJECT, END_ARRAY -> {
                        states.remove(states.size() - 1);
                        arrays.remove(arrays.size() - 1);
                        pending = !arrays.isEmpty() && arrays.get(arrays.size() - 1) ? states.get(states.size() - 1) : null;
                    }
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        if (pending != null && pending.rule() != null) {
                            return p.getText();
                        }
                    }
                    default -> {
                        // true, false, null: not an id
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            subjectFailed = true;
        }
        return null;
    }

    /** The record with every string, number and boolean replaced by a placeholder: keys and shape stay. */
    static byte[] redactAll(byte[] buf, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        try (JsonParser p = JSON.createParser(buf, off, len); JsonGenerator g = JSON.createGenerator(out)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> g.writeStartObject();
                    case END_OBJECT -> g.writeEndObject();
                    case START_ARRAY -> g.writeStartArray();
                    case END_ARRAY -> g.writeEndArray();
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_NULL -> g.writeNull();
                    default -> g.writeString(REDACTED);
                }
            }
        } catch (IOException e) {
            return ("\"" + REDACTED + "\"").getBytes(StandardCharsets.US_ASCII);
        }
        return out.toByteArray();
    }
}
