package dev.veil.bench;

import dev.veil.avro.AvroMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
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
 * Avro masking of the shared corpus converted to Avro ({@link AvroCorpus}: orders, tickets, auth logs, each with its
 * schema), one operation = one event, on one thread.
 *
 * <ul>
 *   <li>{@code veilPathRules}: {@code veil-bench/peers/path-rules.yaml} — seven paths redacted, no scanning.</li>
 *   <li>{@code veilRetailTwoSegments}: {@code examples/retail.yaml} — rules, name heuristics, content scanning of
 *       every unruled string, hash/mask/drop/generalize, two segment views from one pass.</li>
 *   <li>{@code avroLibraryRedact}: the same seven paths the usual way — the Avro library decodes a
 *       {@code GenericRecord}, the fields are set to {@code [REDACTED]}, and it encodes the record again with an
 *       all-string output schema for those fields.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class AvroBenchmark {
    private byte[][] events;
    private AvroMasker[] pathRules;
    private AvroMasker[] retail;
    private GenericDatumReader<GenericRecord>[] readers;
    private GenericDatumWriter<GenericRecord>[] writers;
    private int next;
    private BinaryDecoder decoder;
    private BinaryEncoder encoder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        List<AvroCorpus.Event> all = AvroCorpus.convert(Corpus.load());
        long bytes = all.stream().mapToLong(e -> e.bytes().length).sum();
        System.out.printf("%ncorpus: %,d events as Avro, %.1f bytes per event on average%n", all.size(),
                (double) bytes / all.size());
        Plan rules = Corpus.plan("veil-bench/peers/path-rules.yaml");
        Plan retailPlan = Corpus.plan("examples/retail.yaml");
        Map<Schema, AvroMasker> byRules = new IdentityHashMap<>();
        Map<Schema, AvroMasker> byRetail = new IdentityHashMap<>();
        Map<Schema, GenericDatumReader<GenericRecord>> byReader = new IdentityHashMap<>();
        Map<Schema, GenericDatumWriter<GenericRecord>> byWriter = new IdentityHashMap<>();
        events = new byte[all.size()][];
        pathRules = new AvroMasker[all.size()];
        retail = new AvroMasker[all.size()];
        readers = new GenericDatumReader[all.size()];
        writers = new GenericDatumWriter[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Schema s = all.get(i).schema();
            events[i] = all.get(i).bytes();
            pathRules[i] = byRules.computeIfAbsent(s, x -> AvroMasker.compile(rules, x));
            retail[i] = byRetail.computeIfAbsent(s, x -> AvroMasker.compile(retailPlan, x));
            readers[i] = byReader.computeIfAbsent(s, GenericDatumReader::new);
            // the peer writes what Veil's path-rule view is: the same shape, redacted values as strings
            Schema outSchema = pathRules[i].outputSchema(0);
            writers[i] = byWriter.computeIfAbsent(s, x -> new GenericDatumWriter<>(outSchema));
        }
    }

    private int index() {
        int i = next;
        next = i + 1 == events.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public int veilPathRules() throws RecordException {
        int i = index();
        Views v = pathRules[i].mask(events[i], 0, events[i].length);
        return v.length(0);
    }

    @Benchmark
    public int veilRetailTwoSegments() throws RecordException {
        int i = index();
        Views v = retail[i].mask(events[i], 0, events[i].length);
        return v.length(0) + v.length(1);
    }

    private static final String[] CUSTOMER_PATHS = {"email", "name", "phone", "ssn"};

    @Benchmark
    public int avroLibraryRedact() throws IOException {
        int i = index();
        decoder = DecoderFactory.get().binaryDecoder(events[i], decoder);
        GenericRecord r = readers[i].read(null, decoder);
        Object c = r.getSchema().getField("customer") == null ? null : r.get("customer");
        if (c instanceof GenericRecord customer) {
            for (String f : CUSTOMER_PATHS) {
                customer.put(f, "[REDACTED]");
            }
            GenericRecord a = (GenericRecord) customer.get("address");
            for (Schema.Field f : a.getSchema().getFields()) {
                a.put(f.pos(), "[REDACTED]");
            }
            ((GenericRecord) r.get("payment")).put("card", "[REDACTED]");
            r.put("client_ip", "[REDACTED]");
        }
        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        writers[i].write(r, encoder);
        encoder.flush();
        return out.size();
    }
}
