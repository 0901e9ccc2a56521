package dev.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding it. A line longer than the limit is never buffered: it
 * is skipped up to its newline and reported as oversize, so one huge record cannot exhaust memory.
 */
final class LineReader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[1 << 16];
    private int start;
    private int scan;
    private int limit;
    private boolean eof;

    long lineNumber;
    long bytesConsumed;
    /** The current line: {@code buf[off, off+len)} (without \n or \r\n). */
    byte[] lineBuf;
    int off;
    int len;
    /** True when the current line exceeded the limit; {@code oversizeBytes} is its length. */
    boolean oversize;
    long oversizeBytes;

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** Whether the current line holds nothing but spaces, tabs or a carriage return. */
    boolean blank() {
        for (int i = off; i < off + len; i++) {
            byte b = lineBuf[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return !oversize;
    }

    boolean next() throws IOException {
        oversize = false;
        while (true) {
            // skip eight bytes at a time while none of them is a newline
            while (scan + 8 <= limit) {
                long x = (long) LONGS.get(buf, scan) ^ NEWLINES;
                if (((x - ONES) & ~x & HIGHS) != 0) {
                    break;
                }
                scan += 8;
            }
            for (int i = scan; i < limit; i++) {
                if (buf[i] == '\n') {
                    emit(start, i);
                    bytesConsumed += i + 1 - start;
                    start = i + 1;
                    scan = start;
                    return true;
                }
            }
            scan = limit;
            if (eof) {
                if (start < limit) {
                    emit(start, limit);
                    bytesConsumed += limit - start;
                    start = limit;
                    return true;
                }
                return false;
            }
            if (limit - start > maxLine) {
                skipOversize();
                return true;
            }
            fill();
        }
    }

    private void emit(int from, int to) {
        lineNumber++;
        int e = to;
        if (e > from && buf[e - 1] == '\r') {
            e--;
        }
        lineBuf = buf;
        off = from;
        len = e - from;
        if (len > maxLine) {
            oversize = true;
            oversizeBytes = len;
        }
    }

    private void skipOversize() throws IOException {
        long n = limit - start;
        bytesConsumed += n;
        start = 0;
        scan = 0;
        limit = 0;
        while (true) {
            int r = in.read(buf, 0, buf.length);
            if (r < 0) {
                eof = true;
                break;
            }
            int nl = -1;
            for (int i = 0; i < r; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl >= 0) {
                n += nl;
                bytesConsumed += nl + 1;
                start = nl + 1;
                scan = start;
                limit = r;
                break;
            }
            n += r;
            bytesConsumed += r;
        }
        lineNumber++;
        oversize = true;
        oversizeBytes = n;
        lineBuf = buf;
        off = 0;
        len = 0;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, limit - start);
            limit -= start;
            scan -= start;
            start = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, Math.max(maxLine + 2, buf.length)));
        }
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) {
            eof = true;
        } else {
            limit += r;
        }
    }
}
