package dev.veil.bench;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the egress leak guard costs per event: the path-rule and retail policies of {@link PathRuleBenchmark} with
 * {@code scan.leak_guard} {@code alert} and {@code off}, one thread, shared corpus. {@code alert} does the same
 * search as the default {@code block}, which differs only on a record with a leak (it throws instead of noting it)
 * — and the path-rule policy, which scans no text, has such records: names its rules mask, quoted in ticket bodies.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class LeakGuardBenchmark {
    @Param({"alert", "off"})
    public String guard;

    private Corpus.Cursor events;
    private JsonMasker pathRules;
    private JsonMasker retail;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        events = new Corpus.Cursor(Corpus.load());
        pathRules = new JsonMasker(plan("veil-bench/peers/path-rules.yaml"));
        retail = new JsonMasker(plan("examples/retail.yaml"));
    }

    /** The policy file with {@code scan.leak_guard} set to this run's value. */
    private Plan plan(String file) throws Exception {
        Path f = Corpus.root().resolve(file);
        String text = Files.readString(f);
        if (!text.contains("\nscan:\n")) {
            throw new IllegalStateException(file + " has no scan: section to set leak_guard in");
        }
        text = text.replaceAll("(?m)^  leak_guard: .*$", "").replace("\nscan:\n", "\nscan:\n  leak_guard: " + guard + "\n");
        Policy p = PolicyLoader.parse(text, f.toString(), f.getParent());
        return Corpus.compile(p);
    }

    @Benchmark
    public int pathRules() throws RecordException {
        byte[] e = events.next();
        Views v = pathRules.mask(e, 0, e.length);
        return v.length(0);
    }

    @Benchmark
    public int retailTwoSegments() throws RecordException {
        byte[] e = events.next();
        Views v = retail.mask(e, 0, e.length);
        return v.length(0) + v.length(1);
    }
}
