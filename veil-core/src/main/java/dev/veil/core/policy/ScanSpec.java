package dev.veil.core.policy;

import java.util.List;

/**
 * Content detection settings.
 *
 * @param strings     which string values detectors read
 * @param minScore    findings below this score are ignored
 * @param fieldNames  whether field-name heuristics classify fields no rule names
 * @param regions     ISO 3166 region codes that phone numbers without a country code are read for
 */
public record ScanSpec(Strings strings, double minScore, boolean fieldNames, List<String> regions) {
    public static final ScanSpec DEFAULT = new ScanSpec(Strings.ALL, 0.5, true, List.of("US"));

    /**
     * {@code all}: strings with no class, and classified strings in segments whose action for that class is
     * {@code keep} (what a kept field carries besides its own class is still masked); {@code unclassified}: only
     * strings with no class; {@code none}: no content detection. NONE fields are never scanned.
     */
    public enum Strings { ALL, UNCLASSIFIED, NONE }
}
