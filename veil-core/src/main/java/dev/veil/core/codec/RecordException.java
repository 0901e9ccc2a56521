package dev.veil.core.codec;

/**
 * A record that cannot be masked safely and must be quarantined. The message says what is wrong and where
 * (a byte offset), never any of the record's content.
 */
public final class RecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a record was refused; stable names, safe for metrics labels and audit. */
    public enum Reason { TOO_LARGE, TOO_DEEP, INVALID_UTF8, INVALID_JSON, TRUNCATED, LIMIT, LEAK, INTERNAL, MALFORMED,
        UNKNOWN_SCHEMA, UNSUPPORTED_SCHEMA, INCOMPATIBLE_SCHEMA }

    private final Reason reason;

    public RecordException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
