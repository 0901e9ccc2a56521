package dev.veil.core.engine;

import dev.veil.core.action.Action;
import dev.veil.core.action.TextOut;
import dev.veil.core.detect.Finding;
import java.util.List;

/**
 * Masking inside a text value for codecs other than JSON (which splices bytes itself): only the found spans are
 * replaced, each by the segment's action for its class; the rest of the text stays as it was. Not thread-safe:
 * one per codec instance, reused across values.
 */
public final class SpanMasking {
    private final Plan plan;
    private final StringBuilder text = new StringBuilder(256);
    private final TextOut out = new TextOut(text);
    private boolean dropRecord;

    public SpanMasking(Plan plan) {
        this.plan = plan;
    }

    /**
     * {@code value} with the {@code found} spans (sorted, not overlapping, as the detectors return them) masked for
     * segment {@code s}, valid until the next call; null when the segment keeps every span. {@link #dropRecord()}
     * tells whether a span's class drops the whole record in that segment.
     */
    public CharSequence mask(int s, String value, List<Finding> found) {
        dropRecord = false;
        text.setLength(0);
        int pos = 0;
        boolean changed = false;
        for (Finding f : found) {
            Action a = plan.action(s, f.dataClass());
            switch (a.kind()) {
                case KEEP -> { }
                case DROP_RECORD -> dropRecord = true;
                case DROP, NULLIFY -> {
                    text.append(value, pos, f.start());
                    pos = f.end();
                    changed = true;
                }
                case REPLACE -> {
                    text.append(value, pos, f.start());
                    a.replace(value.substring(f.start(), f.end()), false, out);
                    pos = f.end();
                    changed = true;
                }
            }
        }
        if (!changed) {
            return null;
        }
        return text.append(value, pos, value.length());
    }

    /** Whether the last {@link #mask} met a class the segment drops whole records for. */
    public boolean dropRecord() {
        return dropRecord;
    }
}
