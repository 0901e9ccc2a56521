package dev.veil.flink;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The ready-made way to put Veil into a DataStream job:
 *
 * <pre>{@code
 * VeilFlink.Masked masked = VeilFlink.mask(events, MaskFunction.builder("/etc/veil/policy.yaml")
 *         .segments("analytics", "support").build());
 * masked.segment("analytics").sinkTo(analyticsSink);
 * masked.quarantine().sinkTo(alertsSink);
 * }</pre>
 */
public final class VeilFlink {
    private VeilFlink() {
    }

    /** Masks {@code records} with {@code function}; the result gives one stream per segment and the quarantine. */
    public static Masked mask(DataStream<byte[]> records, MaskFunction function) {
        // no uid here: two Veil operators in one job must not collide; set one with operator().uid(...)
        SingleOutputStreamOperator<byte[]> op = records.process(function).name("veil-mask");
        return new Masked(op, function.segments());
    }

    /** The streams one masking operator emits. */
    public static final class Masked {
        private final SingleOutputStreamOperator<byte[]> operator;
        private final List<String> segments;

        Masked(SingleOutputStreamOperator<byte[]> operator, List<String> segments) {
            this.operator = operator;
            this.segments = segments;
        }

        /** Segment {@code name}'s views. */
        public DataStream<byte[]> segment(String name) {
            if (!segments.contains(name)) {
                throw new IllegalArgumentException("segment " + name + " is not masked here; these are: " + segments);
            }
            return operator.getSideOutput(MaskFunction.segment(name));
        }

        /** Records that could not be masked, by reason; never their content. */
        public DataStream<Quarantined> quarantine() {
            return operator.getSideOutput(MaskFunction.QUARANTINE);
        }

        /** The masking operator itself, to set its uid (for savepoints), parallelism or slot sharing. */
        public SingleOutputStreamOperator<byte[]> operator() {
            return operator;
        }
    }
}
