package dev.veil.core.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF) and word-at-a-time reads. */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Utf8() {
    }

    /**
     * The length (2 to 4) of the valid multi-byte sequence starting at {@code b[i]} and ending before
     * {@code end}, or -1 when it is not valid UTF-8.
     */
    static int sequence(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        int need;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            min = 0x10000;
        } else {
            return -1;
        }
        if (i + need >= end) {
            return -1;
        }
        int cp = c & (0x3f >> need);
        for (int k = 1; k <= need; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xc0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return -1;
        }
        return need + 1;
    }

    /** Eight bytes of {@code b} from {@code i}, little-endian. */
    static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }
}
