package dev.veil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared benchmark corpus ({@code ../shared/bench/gen_corpus.py}), loaded as one byte array per event.
 * {@code -Dveil.corpus=FILE} reads an existing file; otherwise {@code -Dveil.events=N} events (default 100,000,
 * seed 42) are generated with {@code -Dveil.genCorpus=PATH} (default {@code ../shared/bench/gen_corpus.py}).
 */
final class Corpus {
    private Corpus() {
    }

    static byte[][] load() throws IOException, InterruptedException {
        String file = System.getProperty("veil.corpus");
        Path p;
        if (file != null) {
            p = Path.of(file);
        } else {
            int n = Integer.getInteger("veil.events", 100_000);
            String gen = System.getProperty("veil.genCorpus", root().resolve("../shared/bench/gen_corpus.py").toString());
            p = Files.createTempFile("veil-corpus-", ".jsonl");
            p.toFile().deleteOnExit();
            Process proc = new ProcessBuilder("python3", gen, Integer.toString(n), p.toString()).inheritIO().start();
            if (proc.waitFor() != 0) {
                throw new IOException("corpus generator failed: python3 " + gen);
            }
        }
        byte[] all = Files.readAllBytes(p);
        List<byte[]> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                if (i > start) {
                    byte[] e = new byte[i - start];
                    System.arraycopy(all, start, e, 0, e.length);
                    events.add(e);
                }
                start = i + 1;
            }
        }
        return events.toArray(new byte[0][]);
    }

    static double averageBytes(byte[][] events) {
        long total = 0;
        for (byte[] e : events) {
            total += e.length;
        }
        return (double) total / events.length;
    }

    /** The repository root: {@code -Dveil.root}, or the working directory (JMH runs from the root). */
    static Path root() {
        return Path.of(System.getProperty("veil.root", ".")).toAbsolutePath().normalize();
    }

    /** Cycles through the events, one per call: what each benchmark operation masks. Not thread-safe. */
    static final class Cursor {
        private final byte[][] events;
        private int next;

        Cursor(byte[][] events) {
            this.events = events;
        }

        byte[] next() {
            byte[] e = events[next];
            next = next + 1 == events.length ? 0 : next + 1;
            return e;
        }
    }

    /** A policy file of this repository compiled for {@code segments} (every segment when none are named). */
    static dev.veil.core.engine.Plan plan(String file, String... segments) throws Exception {
        return compile(dev.veil.core.policy.PolicyLoader.load(root().resolve(file)), segments);
    }

    /** {@code p} compiled with its own keys and the default limits, for {@code segments} (every one when none). */
    static dev.veil.core.engine.Plan compile(dev.veil.core.policy.Policy p, String... segments) throws Exception {
        return dev.veil.core.engine.Plan.compile(p, java.util.List.of(segments), dev.veil.core.keys.KeyRing.of(p.keys()),
                dev.veil.core.engine.Limits.DEFAULT);
    }
}
