package dev.veil.kafka;

import dev.veil.core.policy.StreamSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The service's topology: per stream one source, one masking processor and one sink per segment plus the
 * quarantine sink. Values stay bytes end to end; the processor parses each record once for all segments.
 */
public final class MaskTopology {
    private MaskTopology() {
    }

    /**
     * Builds the topology for the shape of {@code initial}; the processors follow {@code current} from then on.
     *
     * @param quarantineTopic where refused records go (sealed)
     */
    public static Topology build(Deployment initial, Supplier<Deployment> current, String quarantineTopic,
                                 MeterRegistry registry) {
        return build(initial, current, quarantineTopic, registry, MaskProcessor.DEFAULT_MAX_OUTPUT_BYTES);
    }

    /**
     * As {@link #build(Deployment, Supplier, String, MeterRegistry)}, with the largest value the processors write;
     * see {@link MaskProcessor#DEFAULT_MAX_OUTPUT_BYTES}.
     */
    public static Topology build(Deployment initial, Supplier<Deployment> current, String quarantineTopic,
                                 MeterRegistry registry, int maxOutputBytes) {
        return build(initial, current, quarantineTopic, registry, maxOutputBytes, ServiceAudit.NONE, Alerts.NONE,
                RecordSampler.NONE, null);
    }

    static Topology build(Deployment initial, Supplier<Deployment> current, String quarantineTopic,
                          MeterRegistry registry, int maxOutputBytes, ServiceAudit audit, Alerts alerts,
                          RecordSampler sampler, Codecs codecs) {
        Topology t = new Topology();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        ByteArraySerializer ser = new ByteArraySerializer();
        for (StreamSpec s : initial.policy().streams()) {
            String src = "source:" + s.input();
            String proc = "mask:" + s.input();
            List<String> sinks = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            for (String seg : s.segments()) {
                sinks.add("view:" + s.input() + ":" + seg);
                outputs.add(s.outputFor(seg));
            }
            String q = "quarantine:" + s.input();
            StreamMetrics metrics = new StreamMetrics(registry, s.input(), s.segments());
            t.addSource(src, de, de, s.input());
            dev.veil.core.alert.Burst quarantines = new dev.veil.core.alert.Burst(MaskProcessor.BURST_THRESHOLD,
                    MaskProcessor.BURST_WINDOW_MS);
            t.addProcessor(proc, () -> new MaskProcessor(s.input(), sinks, outputs, q, current, metrics, maxOutputBytes, audit,
                    alerts, quarantines, sampler, codecs), src);
            for (int i = 0; i < sinks.size(); i++) {
                t.addSink(sinks.get(i), outputs.get(i), ser, ser, proc);
            }
            t.addSink(q, quarantineTopic, ser, ser, proc);
        }
        return t;
    }
}
