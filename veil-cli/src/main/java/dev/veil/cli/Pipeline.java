package dev.veil.cli;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Masks JSON lines on several threads and hands results back in input order: one reader cuts the input into
 * chunks of lines, workers (each with its own masker) mask chunks, and the caller's thread consumes the
 * finished chunks strictly in sequence. At most a few chunks are in flight, so memory stays bounded.
 */
final class Pipeline {
    /** Receives finished chunks in input order, on the calling thread. */
    interface Consumer {
        void accept(Chunk chunk) throws IOException;
    }

    private static final Chunk END = new Chunk(-1, "");

    private final Plan plan;
    private final Quarantine quarantine;
    private final int workers;
    private final int maxRecordBytes;
    private final List<JsonMasker> maskers = new ArrayList<>();
    private final ThreadLocal<JsonMasker> masker;
    /** Chunks are recycled: a bounded set of buffers, so memory stays flat however large the input. */
    private final BlockingQueue<Chunk> free = new java.util.concurrent.LinkedBlockingQueue<>();

    Pipeline(Plan plan, Quarantine quarantine, int workers, int maxRecordBytes) {
        this.plan = plan;
        this.quarantine = quarantine;
        this.workers = Math.max(1, workers);
        this.maxRecordBytes = maxRecordBytes;
        this.masker = ThreadLocal.withInitial(() -> {
            JsonMasker m = new JsonMasker(plan);
            synchronized (maskers) {
                maskers.add(m);
            }
            return m;
        });
    }

    /** Runs every input through the masker; returns values found per class id. */
    long[] run(List<String> inputs, Consumer consumer) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "veil-mask");
            t.setDaemon(true);
            return t;
        });
        int chunks = workers * 2 + 2;
        BlockingQueue<Future<Chunk>> inFlight = new ArrayBlockingQueue<>(chunks + 1);
        for (int i = 0; i < chunks + 1; i++) {
            free.add(new Chunk(-1, ""));
        }
        Thread reader = new Thread(() -> read(inputs, pool, inFlight), "veil-read");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Chunk c;
                try {
                    c = inFlight.take().get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause.getClass().getName());
                }
                if (c == END) {
                    break;
                }
                consumer.accept(c);
                free.put(c);
            }
        } finally {
            reader.interrupt();
            pool.shutdownNow();
        }
        long[] total = new long[plan.policy().classTable().size()];
        synchronized (maskers) {
            for (JsonMasker m : maskers) {
                long[] c = m.classCounts();
                for (int i = 0; i < total.length; i++) {
                    total[i] += c[i];
                }
            }
        }
        return total;
    }

    private void read(List<String> inputs, ExecutorService pool, BlockingQueue<Future<Chunk>> inFlight) {
        long seq = 0;
        try {
            for (String in : inputs) {
                String source = in.equals("-") ? "stdin" : in;
                try (InputStream is = in.equals("-") ? System.in : Files.newInputStream(Path.of(in))) {
                    LineReader r = new LineReader(is, maxRecordBytes);
                    Chunk c = free.take().reset(seq++, source);
                    while (r.next()) {
                        if (r.oversize) {
                            c.add(Chunk.OVERSIZE, r.lineNumber, null, 0, (int) Math.min(Integer.MAX_VALUE, r.oversizeBytes));
                        } else if (MaskCommand.isBlank(r.lineBuf, r.off, r.len)) {
                            c.add(Chunk.BLANK, r.lineNumber, null, 0, 0);
                        } else {
                            c.add(Chunk.RECORD, r.lineNumber, r.lineBuf, r.off, r.len);
                        }
                        if (c.full()) {
                            c.bytesConsumed = r.bytesConsumed;
                            submit(c, pool, inFlight);
                            c = free.take().reset(seq++, source);
                        }
                    }
                    c.bytesConsumed = r.bytesConsumed;
                    c.lastOfSource = true;
                    submit(c, pool, inFlight);
                }
            }
            inFlight.put(CompletableFuture.completedFuture(END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            try {
                inFlight.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void submit(Chunk c, ExecutorService pool, BlockingQueue<Future<Chunk>> inFlight) throws InterruptedException {
        inFlight.put(pool.submit(() -> mask(c)));
    }

    private Chunk mask(Chunk c) {
        JsonMasker m = masker.get();
        int segs = plan.segments().size();
        if (c.views == null) {
            c.views = new Chunk.ByteSinkOut[segs];
            c.written = new long[segs];
            c.dropped = new long[segs];
            c.changed = new long[segs];
            for (int s = 0; s < segs; s++) {
                c.views[s] = new Chunk.ByteSinkOut();
            }
        }
        for (int i = 0; i < c.count; i++) {
            switch (c.kinds[i]) {
                case Chunk.BLANK -> c.blank++;
                case Chunk.OVERSIZE -> {
                    c.oversize++;
                    refuse(c, c.lines[i], RecordException.Reason.TOO_LARGE, "record of " + c.lengths[i]
                            + " bytes is larger than the limit of " + maxRecordBytes, c.lengths[i], null, 0, 0);
                }
                default -> {
                    c.records++;
                    try {
                        Views v = m.mask(c.data, c.starts[i], c.lengths[i]);
                        for (int s = 0; s < segs; s++) {
                            if (v.dropped(s)) {
                                c.dropped[s]++;
                                continue;
                            }
                            c.views[s].write(v.array(s), v.offset(s), v.length(s));
                            c.written[s]++;
                            if (v.changed(s)) {
                                c.changed[s]++;
                            }
                        }
                    } catch (RecordException e) {
                        refuse(c, c.lines[i], e.reason(), e.getMessage(), c.lengths[i], c.data, c.starts[i], c.lengths[i]);
                    }
                }
            }
        }
        return c;
    }

    private void refuse(Chunk c, long line, RecordException.Reason reason, String message, long bytes, byte[] rec, int off,
                        int len) {
        c.reasons.add(reason.name());
        c.reports.add(c.source + ":" + line + ": quarantined: " + message);
        if (quarantine.enabled()) {
            String error = reason == RecordException.Reason.TOO_LARGE && rec == null ? "record larger than the limit" : message;
            c.quarantine.add(quarantine.entry(c.source, line, reason.name(), error, bytes, rec, off, len));
        }
    }
}
