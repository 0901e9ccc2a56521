package dev.veil.core.detect;

import dev.veil.core.policy.DataClass;

/**
 * A sensitive span found in text: its class, UTF-16 offsets {@code [start, end)}, score and the detector
 * that found it. Never the text itself.
 */
public record Finding(DataClass dataClass, int start, int end, double score, String detector) {
    public Finding {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span " + start + ".." + end);
        }
    }

    public int length() {
        return end - start;
    }
}
