package dev.veil.flink;

import java.util.Objects;

/**
 * A record the operator could not mask: why, and where in the record — never its content, which is not forwarded
 * anywhere. A Flink POJO, so it serializes without Kryo.
 */
public class Quarantined {
    /** The {@link dev.veil.core.codec.RecordException.Reason} name, e.g. MALFORMED or TOO_LARGE. */
    public String reason;
    /** What was wrong and at which offset, without the record's content. */
    public String detail;
    /** The record's length in bytes. */
    public int length;

    public Quarantined() {
    }

    public Quarantined(String reason, String detail, int length) {
        this.reason = reason;
        this.detail = detail;
        this.length = length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quarantined q && Objects.equals(reason, q.reason) && Objects.equals(detail, q.detail)
                && length == q.length;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, detail, length);
    }

    @Override
    public String toString() {
        return reason + " (" + length + " bytes): " + detail;
    }
}
