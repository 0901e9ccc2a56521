package dev.veil.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A one-line progress bar on stderr, shown only when stderr is a terminal (or when asked for). */
class Progress {
    private static final Progress OFF = new Progress();
    private static final long EVERY_NANOS = 200_000_000L;

    private Progress() {
    }

    static Progress create(Boolean wanted, boolean filesOnly, long totalBytes, PrintWriter err) {
        boolean on = wanted != null ? wanted : filesOnly && totalBytes > 0 && stderrIsTerminal();
        return on ? new Bar(totalBytes, err) : OFF;
    }

    /** Linux: fd 2 points at a tty or pty device. Elsewhere: no bar unless --progress. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    void update(long bytesInFile, long records) {
    }

    void finishFile(long bytesInFile) {
    }

    void done() {
    }

    private static final class Bar extends Progress {
        private final long total;
        private final PrintWriter err;
        private long doneBefore;
        private long last;
        private boolean drawn;

        Bar(long total, PrintWriter err) {
            this.total = Math.max(1, total);
            this.err = err;
        }

        @Override
        void update(long bytesInFile, long records) {
            long now = System.nanoTime();
            if (now - last < EVERY_NANOS) {
                return;
            }
            last = now;
            double f = Math.min(1.0, (doneBefore + bytesInFile) / (double) total);
            int width = 30;
            int fill = (int) (f * width);
            err.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  %,d records", "=".repeat(fill), " ".repeat(width - fill), f * 100, records);
            err.flush();
            drawn = true;
        }

        @Override
        void finishFile(long bytesInFile) {
            doneBefore += bytesInFile;
        }

        @Override
        void done() {
            if (drawn) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }
}
