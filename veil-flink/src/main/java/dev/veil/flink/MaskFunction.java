package dev.veil.flink;

import dev.veil.core.codec.CsvMasker;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordMasker;
import dev.veil.core.codec.TextMasker;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A Flink operator that runs a policy's compiled plan on every record (JSON, CSV or text lines, as bytes) and emits
 * each segment's view to that segment's side output ({@link #segment(String)}), in one pass per record, exactly as the
 * Veil service does. A record that cannot be masked goes to {@link #QUARANTINE} as a reason, never as its bytes; a
 * view the segment drops is not emitted. The main output is empty. Each parallel instance compiles its own plan in
 * {@link #open}, from a policy file every TaskManager can read.
 *
 * <p>Counters per subtask: {@code veilRecords}, {@code veilQuarantined}, {@code veilLeaks} and, per segment,
 * {@code veilDropped_SEGMENT}.
 */
public final class MaskFunction extends ProcessFunction<byte[], byte[]> {
    private static final long serialVersionUID = 1L;

    /** Where records that cannot be masked go: a reason, never the record. */
    public static final OutputTag<Quarantined> QUARANTINE =
            new OutputTag<>("veil-quarantine", TypeInformation.of(Quarantined.class));

    private final String policy;
    private final String[] segments;
    private final String format;
    private final String[] columns;
    private final char delimiter;
    private final String layout;

    private transient JsonMasker json;
    private transient RecordMasker other;
    private transient OutputTag<byte[]>[] tags;
    private transient Counter records;
    private transient Counter quarantined;
    private transient Counter leaks;
    private transient Counter[] dropped;

    private MaskFunction(Builder b) {
        this.policy = b.policy;
        this.segments = b.segments.toArray(new String[0]);
        this.format = b.format;
        this.columns = b.columns == null ? null : b.columns.toArray(new String[0]);
        this.delimiter = b.delimiter;
        this.layout = b.layout;
    }

    /** Starts a function for the policy at {@code policyFile} (a path every TaskManager can read). */
    public static Builder builder(String policyFile) {
        return new Builder(policyFile);
    }

    /** The side output that carries segment {@code name}'s views. */
    public static OutputTag<byte[]> segment(String name) {
        return new OutputTag<>("veil-segment-" + name, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** The segments this function emits, in order. */
    public List<String> segments() {
        return List.of(segments);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext context) throws Exception {
        Plan plan = Plan.load(Path.of(policy), List.of(segments));
        switch (format) {
            case "json" -> json = new JsonMasker(plan);
            case "csv" -> other = CsvMasker.compile(plan, List.of(columns), delimiter);
            case "text" -> other = TextMasker.compile(plan, TextMasker.Layout.valueOf(layout.toUpperCase(Locale.ROOT)));
            default -> throw new IllegalStateException("unknown format " + format);
        }
        tags = new OutputTag[segments.length];
        for (int s = 0; s < segments.length; s++) {
            tags[s] = segment(segments[s]);
        }
        var metrics = getRuntimeContext().getMetricGroup();
        records = metrics.counter("veilRecords");
        quarantined = metrics.counter("veilQuarantined");
        leaks = metrics.counter("veilLeaks");
        dropped = new Counter[segments.length];
        for (int s = 0; s < segments.length; s++) {
            dropped[s] = metrics.counter("veilDropped_" + segments[s]);
        }
    }

    @Override
    public void processElement(byte[] record, Context ctx, Collector<byte[]> out) {
        records.inc();
        if (record == null) {
            return;
        }
        Views v;
        try {
            if (json != null) {
                v = json.mask(record, 0, record.length);
                leaks.inc(json.leaks().size());
            } else {
                v = other.mask(record, 0, record.length);
            }
        } catch (RecordException e) {
            quarantined.inc();
            ctx.output(QUARANTINE, new Quarantined(e.reason().name(), e.getMessage(), record.length));
            return;
        } catch (RuntimeException e) {
            // a defect must not restart the job in a loop on one record, nor forward it: quarantine, by type only
            quarantined.inc();
            ctx.output(QUARANTINE, new Quarantined("INTERNAL", "masking failed (" + e.getClass().getName() + ")",
                    record.length));
            return;
        }
        for (int s = 0; s < segments.length; s++) {
            if (v.dropped(s)) {
                dropped[s].inc();
            } else {
                // a view is valid until the next record: the stream gets its own copy
                ctx.output(tags[s], Arrays.copyOfRange(v.array(s), v.offset(s), v.offset(s) + v.length(s)));
            }
        }
    }

    /** Options of a {@link MaskFunction}; {@link #build()} loads the policy once, so errors surface at job build. */
    public static final class Builder {
        private final String policy;
        private List<String> segments = List.of();
        private String format = "json";
        private List<String> columns;
        private char delimiter = ',';
        private String layout = "plain";

        private Builder(String policy) {
            this.policy = policy;
        }

        /** The segments to emit views for; all of the policy's when none are named. */
        public Builder segments(String... names) {
            this.segments = List.of(names);
            return this;
        }

        /** JSON records (the default). */
        public Builder json() {
            this.format = "json";
            return this;
        }

        /** CSV rows without a header line: {@code columns} name the cells, in order, as field paths. */
        public Builder csv(char delimiter, String... columns) {
            this.format = "csv";
            this.delimiter = delimiter;
            this.columns = List.of(columns);
            return this;
        }

        /** Text lines, {@code plain} or {@code logfmt}. */
        public Builder text(String layout) {
            if (!layout.equalsIgnoreCase("plain") && !layout.equalsIgnoreCase("logfmt")) {
                throw new IllegalArgumentException("layout must be plain or logfmt, not " + layout);
            }
            this.format = "text";
            this.layout = layout;
            return this;
        }

        /**
         * Checks the policy and segments here, where an error can name file, line and key, and returns the function.
         *
         * @throws IllegalArgumentException when the policy does not load or a segment is unknown
         */
        public MaskFunction build() {
            Plan plan;
            try {
                plan = Plan.load(Path.of(policy), segments);
            } catch (Exception e) {
                throw new IllegalArgumentException("veil: cannot use policy " + policy + ": " + e.getMessage(), e);
            }
            if (segments.isEmpty()) {
                segments = plan.segments();
            }
            return new MaskFunction(this);
        }
    }
}
