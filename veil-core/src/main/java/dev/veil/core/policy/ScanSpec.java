package dev.veil.core.policy;

import java.util.List;
import java.util.Map;

/**
 * Content detection settings.
 *
 * @param strings     which string values detectors read
 * @param minScore    findings below this score are ignored
 * @param fieldNames  whether field-name heuristics classify fields no rule names
 * @param regions     ISO 3166 region codes that phone numbers without a country code are read for
 * @param thresholds  per-class minimum scores that replace {@code minScore} for those classes
 * @param leakGuard   what the egress check does when a value found sensitive in a record appears unmasked in a view
 */
public record ScanSpec(Strings strings, double minScore, boolean fieldNames, List<String> regions,
                       Map<DataClass, Double> thresholds, LeakGuard leakGuard) {
    /** The leak guard keeps one bit per segment in a {@code long}: policies with more segments must turn it off. */
    public static final int MAX_GUARDED_SEGMENTS = 64;

    public static final ScanSpec DEFAULT = new ScanSpec(Strings.ALL, 0.5, true, List.of("US"), Map.of(),
            LeakGuard.BLOCK);

    /**
     * The leak guard: every value a record's classification found sensitive (by rule, field name or content) is
     * looked for, verbatim and as a whole word, in the bytes each view passes through unchanged. {@code block}
     * (default) quarantines the record; {@code alert} forwards it and raises an alert; {@code off} skips the check.
     */
    public enum LeakGuard { BLOCK, ALERT, OFF }

    /** The minimum score of findings of class {@code c}. */
    public double minScore(DataClass c) {
        Double t = thresholds.get(c);
        return t != null ? t : minScore;
    }

    /**
     * {@code all}: strings with no class, and classified strings in segments whose action for that class is
     * {@code keep} (what a kept field carries besides its own class is still masked); {@code unclassified}: only
     * strings with no class; {@code none}: no content detection. NONE fields are never scanned.
     */
    public enum Strings { ALL, UNCLASSIFIED, NONE }
}
