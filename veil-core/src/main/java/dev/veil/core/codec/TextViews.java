package dev.veil.core.codec;

import dev.veil.core.action.TextOut;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.SpanMasking;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The shared machinery of the text codecs: decoding a record, one text builder per segment, the value of a field for
 * each segment, and the views. Not thread-safe.
 */
abstract class TextViews implements RecordMasker {
    final Plan plan;
    final int segs;
    final DetectorSet detectors;
    final StringBuilder[] text;
    final boolean[] dropRecord;
    final long[] recordCounts;
    private final Views views;
    private final SpanMasking spans;
    private final StringBuilder value = new StringBuilder(64);
    private final TextOut valueOut = new TextOut(value);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final int maxBytes;
    /** Findings of the value being masked, computed once for every segment that scans it. */
    private List<Finding> found;
    /** The value {@link #found} belongs to, by identity: one field's value is scanned once for all segments. */
    private String foundFor;
    private DriftReports drift = new DriftReports(null);

    TextViews(Plan plan) {
        this.plan = plan;
        this.segs = plan.segments().size();
        if (segs > 64) {
            throw new IllegalArgumentException("a masker serves at most 64 segments; this plan has " + segs);
        }
        this.detectors = plan.scanStrings() == dev.veil.core.policy.ScanSpec.Strings.NONE ? null : plan.detectors();
        this.spans = new SpanMasking(plan);
        this.maxBytes = plan.limits().maxRecordBytes();
        this.text = new StringBuilder[segs];
        for (int s = 0; s < segs; s++) {
            text[s] = new StringBuilder(256);
        }
        this.dropRecord = new boolean[segs];
        this.recordCounts = new long[plan.policy().classTable().size()];
        this.views = new Views(segs);
    }

    /** Reports fields no rule names that hold a class, by name or by content, once each. */
    public final void onDrift(JsonMasker.Drift listener) {
        this.drift = new DriftReports(listener);
    }

    @Override
    public final long[] recordClassCounts() {
        return recordCounts;
    }

    @Override
    public final Views mask(byte[] record, int off, int len) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(RecordException.Reason.TOO_LARGE, "record of " + len
                    + " bytes is over the limit of " + maxBytes);
        }
        String line;
        try {
            line = utf8.reset().decode(ByteBuffer.wrap(record, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new RecordException(RecordException.Reason.INVALID_UTF8, "invalid UTF-8 in the record");
        }
        java.util.Arrays.fill(recordCounts, 0);
        java.util.Arrays.fill(dropRecord, false);
        for (StringBuilder t : text) {
            t.setLength(0);
        }
        found = null;
        foundFor = null;
        maskLine(line);
        for (int s = 0; s < segs; s++) {
            if (dropRecord[s]) {
                views.drop(s);
                continue;
            }
            String out = text[s].toString();
            byte[] b = out.getBytes(StandardCharsets.UTF_8);
            views.set(s, b, 0, b.length, !out.equals(line));
        }
        return views;
    }

    /** Writes each segment's masked line into {@link #text}. */
    abstract void maskLine(String line) throws RecordException;

    /**
     * The text segment {@code s} gets for a value of field {@code f}: the value itself (null), a replacement, or
     * masked spans. Sets {@link #dropRecord}; a NULL or DROP kind gives the empty string.
     */
    final CharSequence valueFor(FieldPlan f, int s, String v) {
        switch (f.kind[s]) {
            case COPY -> {
                return null;
            }
            case NULL, DROP -> {
                return "";
            }
            case DROP_RECORD -> {
                dropRecord[s] = true;
                return null;
            }
            case REPLACE -> {
                value.setLength(0);
                f.action[s].replace(v, false, valueOut);
                return value;
            }
            default -> {
                if (foundFor != v) {
                    foundFor = v;
                    found = detectors.scan(v);
                    for (Finding x : found) {
                        recordCounts[x.dataClass().id()]++;
                        if (!f.path.isEmpty() && f.cls == null) { // a classified field is declared, not drift
                            drift.report(f.path, x.dataClass(), false);
                        }
                    }
                }
                if (found.isEmpty()) {
                    return null;
                }
                CharSequence m = spans.mask(s, v, found);
                dropRecord[s] |= spans.dropRecord();
                return m;
            }
        }
    }

    /** Counts a value of a classified field once per record occurrence. */
    final void count(FieldPlan f) {
        if (f.cls != null) {
            recordCounts[f.cls.id()]++;
            if (f.byName) {
                drift.report(f.path, f.cls, true);
            }
        }
    }
}
