package dev.veil.kafka;

import dev.veil.avro.AvroRecords;
import dev.veil.avro.SchemaSource;
import dev.veil.core.codec.CsvMasker;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordMasker;
import dev.veil.core.codec.TextMasker;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.StreamSpec;
import dev.veil.protobuf.DescriptorSets;
import dev.veil.protobuf.ProtoMasker;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The maskers of streams whose records are not JSON: Avro (Confluent-framed, schemas from a registry or directory),
 * protobuf (bare messages of the stream's {@code message} type from a descriptor set), CSV rows and text lines.
 */
final class Codecs {
    private final SchemaSource schemas;
    private final DescriptorSets descriptors;

    Codecs(SchemaSource schemas, DescriptorSets descriptors) {
        this.schemas = schemas;
        this.descriptors = descriptors;
    }

    /** What the service lacks to read a stream of this format, or null. */
    private String lacks(StreamSpec s) {
        switch (s.format()) {
            case "avro" -> {
                if (schemas == null) {
                    return "give the service its schemas (--schema-registry URL or --schema-dir DIR)";
                }
            }
            case "protobuf" -> {
                if (descriptors == null) {
                    return "give the service its descriptor set (--descriptor-set FILE)";
                }
            }
            default -> { }
        }
        return null;
    }

    /**
     * Checks that every stream of the deployment can be read and masked here: what the service lacks, a protobuf type
     * missing or recursive, an annotation naming a class the policy lacks, bad CSV options. Run before a policy is
     * adopted, at start and for every activation, so a bad one is refused instead of failing the stream threads.
     *
     * @throws dev.veil.core.engine.PlanException naming the stream and the reason
     */
    void verify(Deployment d) throws dev.veil.core.engine.PlanException {
        for (StreamSpec s : d.policy().streams()) {
            if ("json".equals(s.format())) {
                continue;
            }
            Plan plan = d.plan(s.input());
            String lacks;
            try {
                lacks = lacks(s);
                if (lacks == null) {
                    masker(s, plan, s.segments().stream().map(s::outputFor).toList(), (p, c, n) -> { },
                            (t, n) -> { });
                }
            } catch (IllegalArgumentException e) {
                throw new dev.veil.core.engine.PlanException(s.location() + ": streams: input " + s.input() + ": "
                        + e.getMessage());
            }
            if (lacks != null) {
                throw new dev.veil.core.engine.PlanException(s.location() + ": streams: input " + s.input() + " is "
                        + s.format() + ": " + lacks);
            }
        }
    }

    /**
     * A masker for one stream thread.
     *
     * @param outputTopics per segment of the plan, its output topic (avro subjects are {@code TOPIC-value})
     * @param unknown      told about protobuf field numbers the descriptor set does not know
     */
    RecordMasker masker(StreamSpec s, Plan plan, List<String> outputTopics, JsonMasker.Drift drift,
                        BiConsumer<String, Integer> unknown) {
        RecordMasker m = switch (s.format()) {
            case "avro" -> new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, schemas,
                    outputTopics.stream().map(t -> t + "-value").toList());
            case "protobuf" -> {
                ProtoMasker p = ProtoMasker.compile(plan, descriptors.message(s.message()));
                p.onUnknownField(unknown);
                yield p;
            }
            case "csv" -> CsvMasker.compile(plan, s.columns(), s.delimiter());
            case "text" -> TextMasker.compile(plan, "logfmt".equals(s.layout()) ? TextMasker.Layout.LOGFMT
                    : TextMasker.Layout.PLAIN);
            default -> throw new IllegalArgumentException("no codec for format " + s.format());
        };
        m.onDrift(drift);
        return m;
    }
}
