package dev.veil.core.policy;

import java.util.List;
import java.util.Map;

/**
 * A validated, immutable policy. Load one with {@link PolicyLoader}; compile it into a plan with the engine.
 *
 * @param version sha256 (hex) of the canonical content: key order, comments and layout do not change it
 */
public record Policy(int formatVersion, String name, String version, String source, ClassTable classTable,
                     Map<String, KeySpec> keys, Map<String, ClassSpec> classes, List<FieldRule> fields,
                     ScanSpec scan, Map<String, SegmentSpec> segments, ConsentSpec consent, GrantsSpec grants,
                     List<StreamSpec> streams) {

    /** The segment of that name, or null. */
    public SegmentSpec segment(String name) {
        return segments.get(name);
    }

    /** The first 12 hex digits of the version, for humans. */
    public String shortVersion() {
        return version.substring(0, 12);
    }
}
