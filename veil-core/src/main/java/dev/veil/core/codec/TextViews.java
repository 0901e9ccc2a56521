package dev.veil.core.codec;

import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;

/**
 * The shared machinery of the text codecs: decoding a record, one text builder per segment, the value of a field for
 * each segment, and the views. Not thread-safe.
 */
abstract class TextViews implements RecordMasker {
    final Plan plan;
    final int segs;
    final StringBuilder[] text;
    final boolean[] dropRecord;
    final ValueMasking values;
    private final Views views;
    private final int maxBytes;
    /** Segments whose line differs from the input in this record. */
    private long changed;

    TextViews(Plan plan) {
        this.plan = plan;
        this.segs = plan.segments().size();
        if (segs > 64) {
            throw new IllegalArgumentException("a masker serves at most 64 segments; this plan has " + segs);
        }
        this.values = new ValueMasking(plan);
        this.maxBytes = plan.limits().maxRecordBytes();
        this.text = new StringBuilder[segs];
        for (int s = 0; s < segs; s++) {
            text[s] = new StringBuilder(256);
        }
        this.dropRecord = new boolean[segs];
        this.views = new Views(segs);
    }

    /** Reports fields no rule names that hold a class, by name or by content, once each. */
    @Override
    public final void onDrift(JsonMasker.Drift listener) {
        values.onDrift(listener);
    }

    @Override
    public final long[] recordClassCounts() {
        return values.recordCounts();
    }

    @Override
    public final Views mask(byte[] record, int off, int len) throws RecordException {
        if (len > maxBytes) {
            throw new RecordException(RecordException.Reason.TOO_LARGE, "record of " + len
                    + " bytes is over the limit of " + maxBytes);
        }
        String line = values.decode(record, off, len, 0);
        values.startRecord();
        java.util.Arrays.fill(dropRecord, false);
        for (StringBuilder t : text) {
            t.setLength(0);
        }
        changed = 0;
        maskLine(line);
        for (int s = 0; s < segs; s++) {
            if (dropRecord[s]) {
                views.drop(s);
            } else if ((changed >>> s & 1) == 0) {
                views.set(s, record, off, len, false); // nothing masked: the input bytes, not a re-encoding
            } else {
                byte[] b = text[s].toString().getBytes(StandardCharsets.UTF_8);
                views.set(s, b, 0, b.length, true);
            }
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
        CharSequence out = values.value(f, s, v);
        dropRecord[s] |= values.dropRecord();
        if (out != null) {
            changed |= 1L << s;
        }
        return out;
    }

    /** Segment {@code s} leaves a field out of its line. */
    final void omitted(int s) {
        changed |= 1L << s;
    }

    /** Counts a value of a classified field once per record occurrence. */
    final void count(FieldPlan f) {
        values.count(f);
    }
}
