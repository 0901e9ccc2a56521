package dev.veil.bench;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.MaskField;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Path-rule masking of the shared corpus on one thread, one operation = one event, with Kafka Connect's
 * {@code MaskField} over {@code JsonConverter} on the same events in the same run.
 *
 * <ul>
 *   <li>{@code veilPathRules}: {@code veil-bench/peers/path-rules.yaml} — seven nested paths, redact, no content
 *       scanning, no name heuristics (the work a path-rule masker does).</li>
 *   <li>{@code veilRetailTwoSegments}: {@code examples/retail.yaml} — path rules, heuristics and content scanning
 *       of every string, hash/mask/drop/generalize, two segment views from one parse.</li>
 *   <li>{@code connectMaskField}: bytes → JsonConverter → MaskField$Value(customer, payment, client_ip) →
 *       JsonConverter → bytes. MaskField reaches top-level fields only, so it blanks whole objects.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class PathRuleBenchmark {
    private Corpus.Cursor events;
    private JsonMasker pathRules;
    private JsonMasker retail;
    private JsonConverter converter;
    private MaskField.Value<SinkRecord> maskField;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[][] all = Corpus.load();
        System.out.printf("%ncorpus: %,d events, %.1f bytes per event on average%n", all.length, Corpus.averageBytes(all));
        events = new Corpus.Cursor(all);
        pathRules = new JsonMasker(Corpus.plan("veil-bench/peers/path-rules.yaml"));
        retail = new JsonMasker(Corpus.plan("examples/retail.yaml"));
        converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false", "converter.type", "value"), false);
        maskField = new MaskField.Value<>();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("fields", "customer,payment,client_ip");
        maskField.configure(cfg);
    }


    @TearDown(Level.Trial)
    public void tearDown() {
        maskField.close();
        converter.close();
    }

    @Benchmark
    public int veilPathRules() throws RecordException {
        byte[] e = events.next();
        Views v = pathRules.mask(e, 0, e.length);
        return v.length(0);
    }

    @Benchmark
    public int veilRetailTwoSegments() throws RecordException {
        byte[] e = events.next();
        Views v = retail.mask(e, 0, e.length);
        return v.length(0) + v.length(1);
    }

    /** The floor: Jackson creating a parser and reading every token of the event, masking nothing. */
    @Benchmark
    public int jacksonTokensOnly() throws java.io.IOException {
        byte[] e = events.next();
        int n = 0;
        try (com.fasterxml.jackson.core.JsonParser p = JACKSON.createParser(e, 0, e.length)) {
            while (p.nextToken() != null) {
                n++;
            }
        }
        return n;
    }

    private static final com.fasterxml.jackson.core.JsonFactory JACKSON = new com.fasterxml.jackson.core.JsonFactory();

    @Benchmark
    public int connectMaskField() {
        byte[] e = events.next();
        SchemaAndValue in = converter.toConnectData("events", e);
        SinkRecord rec = new SinkRecord("events", 0, null, null, in.schema(), in.value(), 0);
        ConnectRecord<SinkRecord> masked = maskField.apply(rec);
        byte[] out = converter.fromConnectData("events", masked.valueSchema(), masked.value());
        return out.length;
    }
}
