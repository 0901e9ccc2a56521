package dev.veil.core.engine;

/**
 * What a record may be before it is quarantined instead of masked. Defaults are safe for event streams.
 *
 * @param maxRecordBytes largest record, in bytes
 * @param maxDepth       deepest nesting of objects and arrays
 */
public record Limits(int maxRecordBytes, int maxDepth) {
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** The largest record limit accepted (1 GiB): buffers are Java arrays. */
    public static final int MAX_RECORD_BYTES_CAP = 1 << 30;
    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_DEPTH);

    public Limits {
        if (maxRecordBytes < 16 || maxRecordBytes > MAX_RECORD_BYTES_CAP || maxDepth < 1 || maxDepth > 10_000) {
            throw new IllegalArgumentException("limits out of range: max record bytes 16.." + MAX_RECORD_BYTES_CAP
                    + ", depth 1..10000");
        }
    }
}
