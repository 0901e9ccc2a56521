package dev.veil.core.policy;

/**
 * Content detection settings.
 *
 * @param strings     which string values detectors read
 * @param minScore    findings below this score are ignored
 * @param fieldNames  whether field-name heuristics classify fields no rule names
 */
public record ScanSpec(Strings strings, double minScore, boolean fieldNames) {
    public static final ScanSpec DEFAULT = new ScanSpec(Strings.ALL, 0.5, true);

    /** {@code all}: every string not declared NONE; {@code unclassified}: only strings with no class; {@code none}. */
    public enum Strings { ALL, UNCLASSIFIED, NONE }
}
