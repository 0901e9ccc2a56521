package dev.veil.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run of input lines handed from the reader to a worker, and the worker's results handed to the writer.
 * Lines keep their numbers, so every report names the line it came from.
 */
final class Chunk {
    static final byte RECORD = 0;
    static final byte BLANK = 1;
    static final byte OVERSIZE = 2;

    long seq;
    String source;
    byte[] data = new byte[1 << 20];
    int used;
    int count;
    int[] starts = new int[4096];
    int[] lengths = new int[4096];
    long[] lines = new long[4096];
    byte[] kinds = new byte[4096];
    long bytesConsumed;
    boolean lastOfSource;

    // results, filled by the worker
    ByteSinkOut[] views;
    long[] written;
    long[] dropped;
    long[] changed;
    long records;
    long blank;
    long oversize;
    final List<String> quarantine = new ArrayList<>();
    final List<String> reports = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    /** Leak-guard findings of records forwarded anyway ({@code scan.leak_guard: alert}), for stderr. */
    final List<String> notes = new ArrayList<>();
    /** Audit entries of this chunk (type, fields), in line order; filled only when the run keeps an audit log. */
    final List<Object[]> audit = new ArrayList<>();
    /** Values found per class id in this chunk's masked records (counted only for an audit log). */
    long[] classCounts;

    Chunk(long seq, String source) {
        this.seq = seq;
        this.source = source;
    }

    /** Makes a used chunk ready for new lines, keeping its buffers. */
    Chunk reset(long seq, String source) {
        this.seq = seq;
        this.source = source;
        used = 0;
        count = 0;
        bytesConsumed = 0;
        lastOfSource = false;
        records = 0;
        blank = 0;
        oversize = 0;
        quarantine.clear();
        reports.clear();
        reasons.clear();
        notes.clear();
        audit.clear();
        if (classCounts != null) {
            java.util.Arrays.fill(classCounts, 0);
        }
        if (views != null) {
            for (ByteSinkOut v : views) {
                v.len = 0;
            }
            java.util.Arrays.fill(written, 0);
            java.util.Arrays.fill(dropped, 0);
            java.util.Arrays.fill(changed, 0);
        }
        return this;
    }

    boolean full() {
        return used >= (1 << 20) - 1024 || count >= 4096;
    }

    void add(byte kind, long line, byte[] src, int off, int len) {
        if (count == starts.length) {
            int n = count * 2;
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
            lines = Arrays.copyOf(lines, n);
            kinds = Arrays.copyOf(kinds, n);
        }
        if (kind == RECORD) {
            if (used + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, used + len));
            }
            System.arraycopy(src, off, data, used, len);
        }
        starts[count] = used;
        lengths[count] = len;
        lines[count] = line;
        kinds[count] = kind;
        if (kind == RECORD) {
            used += len;
        }
        count++;
    }

    /** An unsynchronized growable byte buffer for one segment's output of this chunk. */
    static final class ByteSinkOut {
        byte[] buf = new byte[1 << 16];
        int len;

        void write(byte[] b, int off, int n) {
            if (len + n + 1 > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + 1));
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
            buf[len++] = '\n';
        }
    }
}
