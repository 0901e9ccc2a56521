package dev.veil.core.codec;

/**
 * A masker of one record format other than JSON lines (Avro, Protobuf, CSV, text): the bytes of one record in, each
 * segment's view out, in one pass. Implementations are not thread-safe; a view is valid until the next call.
 */
public interface RecordMasker {
    /**
     * Masks one record of {@code len} bytes at {@code off}.
     *
     * @throws RecordException when the bytes are not one valid record of the format, naming where, never the content
     */
    Views mask(byte[] record, int off, int len) throws RecordException;

    /** Occurrences of each class (by id) in the last record, classified fields and findings alike. */
    long[] recordClassCounts();

    /**
     * Where fields no rule names that hold a class — by their name, or by what the detectors find in them — are
     * reported, once each; formats with schemas report named fields as soon as the schema is compiled.
     */
    void onDrift(JsonMasker.Drift listener);
}
