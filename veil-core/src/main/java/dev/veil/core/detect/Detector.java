package dev.veil.core.detect;

import java.util.List;

/**
 * Finds sensitive spans in text. Implementations are thread-safe, run in time linear in the text length,
 * and never keep or log the text.
 */
public interface Detector {
    /** A stable id, reported with each finding. */
    String id();

    /** Adds the findings in {@code text} to {@code out}, in any order; overlaps are resolved by the caller. */
    void detect(String text, List<Finding> out);
}
