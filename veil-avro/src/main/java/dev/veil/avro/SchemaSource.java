package dev.veil.avro;

import org.apache.avro.Schema;

/**
 * Where writer schemas are found and output schemas are registered: a schema registry speaking the
 * Confluent-compatible REST API, or a local schema directory.
 */
public interface SchemaSource {
    /** The schema registered under {@code id}, or null when there is none. */
    Schema byId(int id) throws Exception;

    /** A known schema with this CRC-64-AVRO parsing fingerprint (single-object encoding), or null. */
    Schema byFingerprint(long fingerprint) throws Exception;

    /**
     * Registers {@code schema} as the next version of {@code subject} after checking it against the latest one under
     * the subject's compatibility rule, and returns its id (the same id when it is already registered).
     *
     * @throws IncompatibleSchema when the subject's rule refuses it
     */
    int register(String subject, Schema schema) throws Exception;

    /** For messages: "registry http://…" or "schema directory DIR". */
    String describe();

    /** An output schema the subject's compatibility rule refuses: records needing it are quarantined, not written. */
    final class IncompatibleSchema extends Exception {
        private static final long serialVersionUID = 1L;

        public IncompatibleSchema(String message) {
            super(message);
        }
    }
}
