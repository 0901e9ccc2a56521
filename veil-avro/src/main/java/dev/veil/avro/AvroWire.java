package dev.veil.avro;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordException.Reason;

/**
 * The two framings that name a record's writer schema: the Confluent wire format (magic byte 0, the schema id as a
 * 4-byte big-endian int, then the Avro binary) and Avro's single-object encoding (bytes C3 01, the schema's
 * CRC-64-AVRO fingerprint as 8 little-endian bytes, then the binary).
 */
public final class AvroWire {
    /** Bytes before the payload in the Confluent wire format. */
    public static final int CONFLUENT_HEADER = 5;
    /** Bytes before the payload in single-object encoding. */
    public static final int SINGLE_OBJECT_HEADER = 10;

    private AvroWire() {
    }

    /** The schema id of a Confluent-framed record. */
    public static int confluentId(byte[] b, int off, int len) throws RecordException {
        if (len < CONFLUENT_HEADER) {
            throw new RecordException(Reason.TRUNCATED, "a Confluent-framed record has at least 5 bytes; this has " + len);
        }
        if (b[off] != 0) {
            throw new RecordException(Reason.MALFORMED, "magic byte " + (b[off] & 0xff) + " is not the Confluent wire"
                    + " format's 0");
        }
        return (b[off + 1] & 0xff) << 24 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 8 | (b[off + 4] & 0xff);
    }

    /** Writes the Confluent header for {@code id} into {@code b} at {@code off}. */
    public static void confluentHeader(int id, byte[] b, int off) {
        b[off] = 0;
        b[off + 1] = (byte) (id >>> 24);
        b[off + 2] = (byte) (id >>> 16);
        b[off + 3] = (byte) (id >>> 8);
        b[off + 4] = (byte) id;
    }

    /** The writer schema's fingerprint of a single-object-encoded record. */
    public static long singleObjectFingerprint(byte[] b, int off, int len) throws RecordException {
        if (len < SINGLE_OBJECT_HEADER) {
            throw new RecordException(Reason.TRUNCATED, "a single-object record has at least 10 bytes; this has " + len);
        }
        if ((b[off] & 0xff) != 0xC3 || b[off + 1] != 0x01) {
            throw new RecordException(Reason.MALFORMED, "not single-object encoding (it starts with C3 01)");
        }
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = fp << 8 | (b[off + i] & 0xff);
        }
        return fp;
    }

    /** Writes the single-object header for {@code fingerprint} into {@code b} at {@code off}. */
    public static void singleObjectHeader(long fingerprint, byte[] b, int off) {
        b[off] = (byte) 0xC3;
        b[off + 1] = 0x01;
        for (int i = 0; i < 8; i++) {
            b[off + 2 + i] = (byte) (fingerprint >>> (8 * i));
        }
    }
}
