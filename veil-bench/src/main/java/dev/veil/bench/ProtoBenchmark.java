package dev.veil.bench;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.protobuf.ProtoMasker;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Protobuf masking of the shared corpus converted to protobuf ({@link ProtoCorpus}), one operation = one event, on one
 * thread.
 *
 * <ul>
 *   <li>{@code veilPathRules}: {@code veil-bench/peers/path-rules.yaml} — seven paths redacted, no scanning.</li>
 *   <li>{@code veilRetailTwoSegments}: {@code examples/retail.yaml} — rules, name heuristics, content scanning of
 *       every unruled string, two segment views from one pass.</li>
 *   <li>{@code protobufLibraryRedact}: the same seven paths the usual way — protobuf-java parses a
 *       {@code DynamicMessage}, the fields are set to {@code [REDACTED]}, and it serializes the message again.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class ProtoBenchmark {
    private static final String[] CUSTOMER_PATHS = {"email", "name", "phone", "ssn"};

    private byte[][] events;
    private Descriptors.Descriptor[] types;
    private ProtoMasker[] pathRules;
    private ProtoMasker[] retail;
    private int next;
    private final byte[] out = new byte[1 << 16];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<ProtoCorpus.Event> all = ProtoCorpus.convert(Corpus.load());
        long bytes = all.stream().mapToLong(e -> e.bytes().length).sum();
        System.out.printf("%ncorpus: %,d events as protobuf, %.1f bytes per event on average%n", all.size(),
                (double) bytes / all.size());
        Plan rules = Corpus.plan("veil-bench/peers/path-rules.yaml");
        Plan retailPlan = Corpus.plan("examples/retail.yaml");
        Map<Descriptors.Descriptor, ProtoMasker> byRules = new IdentityHashMap<>();
        Map<Descriptors.Descriptor, ProtoMasker> byRetail = new IdentityHashMap<>();
        events = new byte[all.size()][];
        types = new Descriptors.Descriptor[all.size()];
        pathRules = new ProtoMasker[all.size()];
        retail = new ProtoMasker[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Descriptors.Descriptor t = all.get(i).type();
            events[i] = all.get(i).bytes();
            types[i] = t;
            pathRules[i] = byRules.computeIfAbsent(t, x -> ProtoMasker.compile(rules, x));
            retail[i] = byRetail.computeIfAbsent(t, x -> ProtoMasker.compile(retailPlan, x));
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

    @Benchmark
    public int protobufLibraryRedact() throws IOException {
        int i = index();
        Descriptors.Descriptor t = types[i];
        DynamicMessage m = DynamicMessage.parseFrom(t, events[i]);
        Descriptors.FieldDescriptor cf = t.findFieldByName("customer");
        if (cf != null && m.hasField(cf)) {
            DynamicMessage c = (DynamicMessage) m.getField(cf);
            DynamicMessage.Builder cb = c.toBuilder();
            Descriptors.Descriptor ct = c.getDescriptorForType();
            for (String f : CUSTOMER_PATHS) {
                cb.setField(ct.findFieldByName(f), "[REDACTED]");
            }
            Descriptors.FieldDescriptor af = ct.findFieldByName("address");
            DynamicMessage.Builder ab = ((DynamicMessage) c.getField(af)).toBuilder();
            for (Descriptors.FieldDescriptor f : af.getMessageType().getFields()) {
                ab.setField(f, "[REDACTED]");
            }
            cb.setField(af, ab.build());
            Descriptors.FieldDescriptor pf = t.findFieldByName("payment");
            DynamicMessage.Builder pb = ((DynamicMessage) m.getField(pf)).toBuilder();
            pb.setField(pf.getMessageType().findFieldByName("card"), "[REDACTED]");
            m = m.toBuilder().setField(cf, cb.build()).setField(pf, pb.build())
                    .setField(t.findFieldByName("client_ip"), "[REDACTED]").build();
        }
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        m.writeTo(o);
        return o.getTotalBytesWritten();
    }
}
