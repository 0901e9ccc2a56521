package dev.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Works through lines on several threads and hands results back in input order: one reader cuts the input into
 * chunks of lines, workers (one per thread, each with its own state) process chunks, and the caller's thread
 * consumes the finished chunks strictly in sequence. Chunks are recycled from a bounded pool, so memory stays
 * flat however large the input.
 */
final class Pipeline {
    /** Receives finished chunks in input order, on the calling thread. */
    interface Consumer {
        void accept(Chunk chunk) throws IOException;
    }

    /** Processes one chunk, filling its results; one instance per thread. */
    interface Worker {
        void process(Chunk chunk);
    }

    private static final Chunk END = new Chunk(-1, "");

    private final int workers;
    private final int maxRecordBytes;
    private final ThreadLocal<Worker> worker;
    /** Chunks are recycled: a bounded set of buffers, so memory stays flat however large the input. */
    private final BlockingQueue<Chunk> free = new java.util.concurrent.LinkedBlockingQueue<>();

    Pipeline(int workers, int maxRecordBytes, java.util.function.Supplier<Worker> newWorker) {
        this.workers = Math.max(1, workers);
        this.maxRecordBytes = maxRecordBytes;
        this.worker = ThreadLocal.withInitial(newWorker);
    }

    /** Runs every input through the workers, handing finished chunks to {@code consumer} in order. */
    void run(List<String> inputs, Consumer consumer) throws IOException, InterruptedException {
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
                        } else if (r.blank()) {
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
        inFlight.put(pool.submit(() -> {
            worker.get().process(c);
            return c;
        }));
    }

}
