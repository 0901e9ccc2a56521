package dev.veil.bench;

import dev.veil.core.codec.JsonWalker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.engine.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Content detection over every string value of the shared corpus, one operation = one event, one thread:
 * Veil's detectors against a naive scanner that runs one {@code java.util.regex} pattern per class (what a
 * quick DIY redactor does), over the same strings in the same run. String values are extracted once in setup,
 * so both measure detection only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class DetectionBenchmark {
    /** Naive patterns, one per class (backtracking regex: the baseline, not something Veil does). */
    private static final Pattern[] NAIVE = {
        Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
        Pattern.compile("\\+?\\(?\\d{1,4}\\)?[ .-]?\\d{2,4}[ .-]?\\d{3,4}[ .-]?\\d{0,4}"),
        Pattern.compile("\\b(?:\\d[ -]?){13,19}\\b"),
        Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b"),
        Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\\b"),
        Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b"),
        Pattern.compile("\\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\\b"),
        Pattern.compile("\\b[A-Z][a-z]+ [A-Z][a-z]+\\b"),
        Pattern.compile("\\b\\d{1,5} [A-Z][a-z]+ (?:St|Street|Ave|Avenue|Rd|Road|Blvd)\\b"),
        Pattern.compile("(?i)(?:born|dob|birth)\\D{0,20}\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{2,4}"),
        Pattern.compile("(?:AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)"),
        Pattern.compile("://[^:/\\s]+:[^@/\\s]+@"),
    };

    private String[][] strings;
    private int next;
    private DetectorSet veil;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[][] events = Corpus.load();
        JsonWalker walker = new JsonWalker(Limits.DEFAULT, false);
        strings = new String[events.length][];
        long count = 0;
        for (int i = 0; i < events.length; i++) {
            List<String> values = new ArrayList<>();
            try {
                walker.walk(events[i], 0, events[i].length, (path, name, kind, value) -> {
                    if (kind == JsonWalker.Kind.STRING) {
                        values.add(value);
                    }
                });
            } catch (RecordException e) {
                throw new IllegalStateException("corpus event " + i + " is not valid JSON", e);
            }
            strings[i] = values.toArray(new String[0]);
            count += values.size();
        }
        System.out.printf("%ncorpus: %,d events, %.1f string values per event%n", events.length, (double) count / events.length);
        veil = DetectorSet.builtIn(0.5);
    }

    private String[] nextEvent() {
        String[] e = strings[next];
        next = next + 1 == strings.length ? 0 : next + 1;
        return e;
    }

    @Benchmark
    public int veilDetectors() {
        int n = 0;
        for (String s : nextEvent()) {
            n += veil.scan(s).size();
        }
        return n;
    }

    @Benchmark
    public int naiveRegexPerClass() {
        int n = 0;
        for (String s : nextEvent()) {
            for (Pattern p : NAIVE) {
                Matcher m = p.matcher(s);
                while (m.find()) {
                    n++;
                }
            }
        }
        return n;
    }
}
