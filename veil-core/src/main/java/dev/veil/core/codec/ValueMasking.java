package dev.veil.core.codec;

import dev.veil.core.action.Action;
import dev.veil.core.action.TextOut;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.SpanMasking;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.ScanSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the codecs other than JSON (which splice bytes themselves) share for the values of one record: strict UTF-8
 * decoding, a value replaced by a segment's action, a value with only its found spans masked ({@link SpanMasking}),
 * the record's class counts, and drift reports. The detectors scan a value once however many segments ask for it. Not thread-safe: one
 * per codec instance; a returned text is valid until the next call.
 */
public final class ValueMasking {
    /** Past this many distinct fields, new ones are not reported: a record stream cannot grow memory without bound. */
    static final int MAX_DRIFT_FIELDS = 10_000;

    private final Plan plan;
    private final DetectorSet detectors;
    private final long[] counts;
    private final StringBuilder text = new StringBuilder(256);
    private final TextOut out = new TextOut(text);
    private final SpanMasking spans;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private JsonMasker.Drift drift;
    private final Set<String> reported = new HashSet<>();
    /** The value {@link #found} belongs to, by identity: each value is a fresh string, scanned once. */
    private String scanned;
    private List<Finding> found;
    private boolean dropRecord;

    public ValueMasking(Plan plan) {
        this.plan = plan;
        this.detectors = plan.scanStrings() == ScanSpec.Strings.NONE ? null : plan.detectors();
        this.counts = new long[plan.policy().classTable().size()];
        this.spans = new SpanMasking(plan);
    }

    /** Whether the plan scans strings at all. */
    public boolean scans() {
        return detectors != null;
    }

    /** Forgets the last record: its counts and its scanned value. */
    public void startRecord() {
        Arrays.fill(counts, 0);
        scanned = null;
    }

    /** Occurrences of each class (by id) in this record, classified fields and findings alike. */
    public long[] recordCounts() {
        return counts;
    }

    /** Counts one value of a classified field. */
    public void count(DataClass c) {
        counts[c.id()]++;
    }

    /**
     * Counts one occurrence of field {@code f} when a rule or its name classifies it, and reports it as drift the
     * first time when only its name does.
     */
    public void count(FieldPlan f) {
        if (f.cls != null) {
            counts[f.cls.id()]++;
            if (f.byName) {
                drift(f.path, f.cls, true);
            }
        }
    }

    /**
     * The text segment {@code s} gets for value {@code v} of field {@code f}: null when the value stays as it is, a
     * replacement, or the value with its found spans masked; the empty string for {@link FieldPlan.Kind#NULL} and
     * {@link FieldPlan.Kind#DROP}, whose callers leave the value out. {@link #dropRecord()} tells whether the segment
     * drops the whole record. The text is valid until the next call.
     */
    public CharSequence value(FieldPlan f, int s, String v) {
        return value(f, s, v, false);
    }

    /**
     * As {@link #value(FieldPlan, int, String)}, for a value that is the text of a number when {@code number}: actions
     * that keep shape (masking, tokenizing) treat its digits as the value. Only strings are scanned.
     */
    public CharSequence value(FieldPlan f, int s, String v, boolean number) {
        dropRecord = false;
        switch (f.kind[s]) {
            case COPY -> {
                return null;
            }
            case NULL, DROP -> {
                return "";
            }
            case DROP_RECORD -> {
                dropRecord = true;
                return null;
            }
            case REPLACE -> {
                return replace(f.action[s], v, number);
            }
            default -> {
                if (number) {
                    return null;
                }
                // a classified field is declared, not drift; free text has no path
                return scan(s, v, f.cls == null && !f.path.isEmpty() ? f.path : null);
            }
        }
    }

    /** Where undeclared sensitive fields are reported, once each (null: nowhere). */
    public void onDrift(JsonMasker.Drift listener) {
        this.drift = listener;
    }

    /** Reports a field no rule names that holds {@code cls}, by its name or its content, the first time only. */
    public void drift(String path, DataClass cls, boolean byName) {
        if (drift != null && reported.size() < MAX_DRIFT_FIELDS && reported.add(path + '\u0000' + cls.name())) {
            drift.undeclared(path, cls, byName);
        }
    }

    /**
     * Strict UTF-8 of {@code n} bytes at {@code at}.
     *
     * @param where the offset to name if the bytes are not UTF-8 (never the content)
     */
    public String decode(byte[] b, int at, int n, int where) throws RecordException {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(b, at, n)).toString();
        } catch (CharacterCodingException e) {
            throw new RecordException(RecordException.Reason.INVALID_UTF8, "invalid UTF-8 in a string at byte " + where);
        }
    }

    /** {@code value} replaced by action {@code a}; "no value" is empty text. */
    public CharSequence replace(Action a, String value, boolean number) {
        text.setLength(0);
        a.replace(value, number, out);
        return text;
    }

    /**
     * {@code value} with its found spans masked for segment {@code s}, or null when the segment keeps every span.
     * {@link #dropRecord()} tells whether a span's class drops the record in that segment.
     *
     * @param path       the field the value is in, reported as drift with what is found; null for free text or a field
     *                   a rule or name already classifies
     */
    public CharSequence scan(int s, String value, String path) {
        dropRecord = false;
        if (scanned != value) {
            scanned = value;
            found = detectors.scan(value);
            for (Finding x : found) {
                counts[x.dataClass().id()]++;
                if (path != null) {
                    drift(path, x.dataClass(), false);
                }
            }
        }
        if (found.isEmpty()) {
            return null;
        }
        CharSequence masked = spans.mask(s, value, found);
        dropRecord = spans.dropRecord();
        return masked;
    }

    /** Whether the last {@link #scan} met a class the segment drops whole records for. */
    public boolean dropRecord() {
        return dropRecord;
    }
}
