package dev.veil.kafka;

import dev.veil.core.action.Action;
import dev.veil.core.alert.Alert;
import dev.veil.core.alert.Burst;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.governance.GovernedMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.Sealer;
import dev.veil.core.policy.DataClass;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Masks the records of one stream: parses each value once and forwards each segment's view to that segment's
 * sink, with key, timestamp and headers kept and Veil's headers added. A record that cannot be masked goes to
 * the quarantine sink, sealed, and to no segment. One instance per task; the deployment is re-read per record so a
 * policy activation takes effect on the next record.
 */
final class MaskProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    /**
     * Largest value written to a view or the quarantine topic: under Kafka's default 1 MiB request and message
     * limits with room for key and headers. A larger one would fail the producer, abort the transaction and, with
     * the thread replaced, fail again on the same record forever; instead the record is quarantined (a view) or
     * kept unsealed-payload-free (quarantine).
     */
    static final int DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;

    private final String input;
    private final List<String> segmentSinks;
    /** The topic of each segment's view, in segment order (fixed with the topology, like the sinks). */
    private final List<String> outputTopics;
    private final String quarantineSink;
    private final Supplier<Deployment> deployments;
    private final StreamMetrics metrics;

    private ProcessorContext<byte[], byte[]> context;
    private Deployment deployment;
    private GovernedMasker masker;
    private final ServiceAudit audit;
    // the masking summary accumulated since the last one was written to the audit log
    private long sumRecords;
    private long sumFirst = -1;
    private long sumLast = -1;
    private int sumPartition = -1;
    private long sumSuppressed;
    private long[] sumCounts = new long[0];
    private byte[] policyHeader;
    /** Per segment and class id: "CLASS:action" as it appears in the summary header. */
    private String[][] summaryParts;
    private final StringBuilder scratch = new StringBuilder(64);
    /** The class counts of the last summarized record and its summaries: records of one shape repeat them. */
    private long[] lastCounts = new long[0];
    private byte[][] lastSummaries = new byte[0][];

    private final int maxOutputBytes;
    private final Alerts alerts;
    /** Quarantines of one stream (all its tasks on this instance) that make a burst: this many within the window. */
    static final int BURST_THRESHOLD = 10;
    static final long BURST_WINDOW_MS = 10_000;
    private final Burst quarantines;
    private final RecordSampler sampler;
    private final Codecs codecs;
    /** For a stream of another format than JSON (avro, protobuf, csv, text): its masker; null for json. */
    private dev.veil.core.codec.RecordMasker other;

    MaskProcessor(String input, List<String> segmentSinks, List<String> outputTopics, String quarantineSink, Supplier<Deployment> deployments,
                  StreamMetrics metrics, int maxOutputBytes, ServiceAudit audit, Alerts alerts, Burst quarantines,
                  RecordSampler sampler, Codecs codecs) {
        this.quarantines = quarantines;
        this.sampler = sampler;
        this.codecs = codecs;
        this.maxOutputBytes = maxOutputBytes;
        this.alerts = alerts;
        this.audit = audit;
        this.input = input;
        this.segmentSinks = segmentSinks;
        this.outputTopics = outputTopics;
        this.quarantineSink = quarantineSink;
        this.deployments = deployments;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        if (audit.enabled()) {
            context.schedule(ServiceAudit.INTERVAL, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                    t -> writeSummary());
        }
    }

    @Override
    public void close() {
        writeSummary();
    }

    /** One audit entry per task and interval: stream, partition, offset range, counts per segment and class:action. */
    private void writeSummary() {
        if (sumRecords == 0 || deployment == null) {
            return;
        }
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("stream", input);
        f.put("partition", sumPartition);
        f.put("offsets", List.of(sumFirst, sumLast));
        f.put("records", sumRecords);
        f.put("suppressed", sumSuppressed);
        f.put("policy", deployment.policy().shortVersion());
        java.util.Map<String, Object> segs = new java.util.LinkedHashMap<>();
        Plan plan = deployment.plan(input);
        for (int s = 0; s < segmentSinks.size(); s++) {
            java.util.Map<String, Long> actions = new java.util.LinkedHashMap<>();
            for (DataClass c : deployment.policy().classTable().classes()) {
                if (c.id() < sumCounts.length && sumCounts[c.id()] > 0) {
                    actions.put(c.name() + ":" + plan.action(s, c).name(), sumCounts[c.id()]);
                }
            }
            segs.put(plan.segments().get(s), actions);
        }
        f.put("segments", segs);
        audit.append("summary", f);
        sumRecords = 0;
        sumSuppressed = 0;
        sumFirst = -1;
        sumLast = -1;
        java.util.Arrays.fill(sumCounts, 0);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Deployment d = deployments.get();
        if (d != deployment) {
            adopt(d);
        }
        metrics.in();
        byte[] value = record.value();
        Headers inHeaders = stripVeilHeaders(record.headers());
        if (value == null) {
            // A tombstone carries no data; each view gets it so compacted outputs delete too.
            for (int s = 0; s < segmentSinks.size(); s++) {
                forward(record, null, inHeaders, policyHeader, null, s);
            }
            return;
        }
        long t0 = System.nanoTime();
        Views v;
        try {
            v = other != null ? other.mask(value, 0, value.length)
                    : masker.mask(value, 0, value.length, record.key(), d.governance(), System.currentTimeMillis());
        } catch (RecordException e) {
            quarantine(record, e.reason().name(), e.getMessage());
            return;
        } catch (RuntimeException | StackOverflowError e) {
            // Fail closed: an engine fault must never let the record through unmasked. The message of an
            // unexpected exception may quote input, so only its type is kept.
            quarantine(record, RecordException.Reason.INTERNAL.name(), "masking failed: " + e.getClass().getName());
            return;
        }
        if (tooLarge(record, v)) {
            return;
        }
        long[] counts = other != null ? other.recordClassCounts() : masker.base().recordClassCounts();
        if (audit.enabled()) {
            account(counts);
        }
        if (masker != null) {
            grantAndLeakAlerts();
        }
        emit(record, v, counts, inHeaders);
        if (masker != null && !masker.suppressed()) {
            sampler.offer(input, value); // an opted-out subject's record is never kept, not even for the viewer
        }
        metrics.masked(System.nanoTime() - t0);
    }

    /** A JSON record's grant uses and leak-guard findings (streams of other formats have neither yet). */
    private void grantAndLeakAlerts() {
        for (GovernedMasker.Use u : masker.uses()) {
            metrics.grantUsed(u.grantId(), u.segment());
            alert("grant-used", Alert.Severity.INFO, u.grantId() + "/" + u.segment(), () -> "grant " + u.grantId()
                    + " lifted masking in " + input + "/" + u.segment() + " (first use in this window)",
                    () -> java.util.Map.of("grant", u.grantId(), "stream", input, "segment", u.segment(),
                            "record", coordinatesNow(), "classes", u.classes(), "fields", u.fields()));
        }
        List<JsonMasker.Leak> leaks = masker.base().leaks();
        for (int i = 0; i < leaks.size(); i++) {
            leakAlert(leaks.get(i), false, null);
        }
    }

    /** Quarantines the record when a view would be over the output limit; true when it did. */
    private boolean tooLarge(Record<byte[], byte[]> record, Views v) {
        for (int s = 0; s < segmentSinks.size(); s++) {
            if (!v.dropped(s) && v.length(s) > maxOutputBytes) {
                quarantine(record, RecordException.Reason.TOO_LARGE.name(), "the view for segment " + s + " would be "
                        + v.length(s) + " bytes, over the output limit of " + maxOutputBytes);
                return true;
            }
        }
        return false;
    }

    /** Each segment's view to its topic with the policy and mask-summary headers; dropped views are counted. */
    private void emit(Record<byte[], byte[]> record, Views v, long[] counts, Headers inHeaders) {
        if (!java.util.Arrays.equals(counts, lastCounts)) {
            lastCounts = counts.clone();
            for (int s = 0; s < segmentSinks.size(); s++) {
                lastSummaries[s] = summary(s, counts);
            }
        }
        for (int s = 0; s < segmentSinks.size(); s++) {
            if (v.dropped(s)) {
                metrics.dropped(s);
                continue;
            }
            forward(record, v.toBytes(s), inHeaders, policyHeader, lastSummaries[s], s);
        }
    }

    private void account(long[] counts) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        if (m != null) {
            if (sumPartition != m.partition() && sumRecords > 0) {
                writeSummary();
            }
            sumPartition = m.partition();
            if (sumFirst < 0) {
                sumFirst = m.offset();
            }
            sumLast = m.offset();
        }
        sumRecords++;
        if (sumCounts.length != counts.length) {
            sumCounts = new long[counts.length];
        }
        for (int i = 0; i < counts.length; i++) {
            sumCounts[i] += counts[i];
        }
        if (masker == null) {
            return; // not JSON: no consent or grants on this stream
        }
        if (masker.suppressed()) {
            sumSuppressed++;
            audit.suppressed(coordinatesNow(), deployment.policy().consent().onOptOut() == dev.veil.core.policy.ConsentSpec.OnOptOut.DROP_RECORD
                    ? "drop-record" : "redact-all");
        }
        for (GovernedMasker.Use u : masker.uses()) {
            audit.grantUsed(u.grantId(), u.segment(), coordinatesNow(), u.classes(), u.fields());
        }
    }

    /**
     * Counts the alert condition (every one) and raises it; message and fields are built only when the alerter
     * does not fold it, so a repeat costs its key, a counter lookup and the alerter's dedupe check, not an alert.
     */
    private void alert(String kind, Alert.Severity severity, String key, java.util.function.Supplier<String> message,
                       java.util.function.Supplier<java.util.Map<String, ?>> fields) {
        metrics.alert(kind);
        alerts.raise(kind, severity, key, message, fields);
    }

    /**
     * One leak-guard alert, forwarded ({@code alert} mode) or held back ({@code block}), keyed by stream, segment and
     * class so repeats of one leak fold into one alert. Names the class and segment, never the value.
     */
    private void leakAlert(JsonMasker.Leak l, boolean blocked, String source) {
        alert("leak-guard", Alert.Severity.CRITICAL, input + "/" + l.segment() + "/" + l.dataClass().name(),
                () -> "a value of class " + l.dataClass().name() + " appears unmasked in the " + l.segment()
                        + " view of " + input + (blocked ? "; the record was held back (scan.leak_guard: block)"
                        : " (scan.leak_guard: alert, so the record was forwarded)"),
                () -> java.util.Map.of("stream", input, "segment", l.segment(), "class", l.dataClass().name(),
                        "record", source != null ? source : coordinatesNow(), "blocked", blocked));
    }

    private String coordinatesNow() {
        return context.recordMetadata().map(MaskProcessor::coordinates).orElse(input + "/?/?");
    }

    private void forward(Record<byte[], byte[]> record, byte[] value, Headers inHeaders, byte[] policy, byte[] summary,
                         int segment) {
        RecordHeaders h = new RecordHeaders(inHeaders.toArray());
        h.add(VeilHeaders.POLICY, policy);
        if (summary != null) {
            h.add(VeilHeaders.SUMMARY, summary);
        }
        context.forward(new Record<>(record.key(), value, record.timestamp(), h), segmentSinks.get(segment));
        metrics.out(segment);
    }

    private void quarantine(Record<byte[], byte[]> record, String reason, String error) {
        metrics.quarantined(reason);
        String source = context.recordMetadata().map(MaskProcessor::coordinates).orElse(input + "/?/?");
        audit.quarantined(source, reason);
        if (RecordException.Reason.LEAK.name().equals(reason) && masker != null) {
            for (JsonMasker.Leak l : masker.base().leaks()) {
                leakAlert(l, true, source);
            }
        }
        if (quarantines.hit(System.currentTimeMillis())) {
            alert("quarantine-burst", Alert.Severity.WARNING, input, () -> BURST_THRESHOLD
                    + " or more records of " + input + " quarantined within " + BURST_WINDOW_MS / 1000
                    + " s (last: " + reason + " at " + source + ")",
                    () -> java.util.Map.of("stream", input, "reason", reason, "record", source));
        }
        Sealer sealer = deployment.quarantineSealer();
        RecordHeaders h = new RecordHeaders();
        h.add(VeilHeaders.REASON, bytes(reason));
        h.add(VeilHeaders.ERROR, bytes(error));
        h.add(VeilHeaders.SOURCE, bytes(source));
        h.add(VeilHeaders.POLICY, policyHeader);
        byte[] key = null;
        byte[] value = null;
        int size = record.value().length + (record.key() == null ? 0 : record.key().length);
        if (sealer != null && size + 64 > maxOutputBytes) {
            // Too large to keep even sealed: coordinates and error only, so the quarantine write cannot fail.
            h.add(VeilHeaders.SEALED, bytes("none:too-large"));
        } else if (sealer != null) {
            h.add(VeilHeaders.SEALED, bytes("aes-gcm:quarantine"));
            if (record.key() != null) {
                key = sealer.seal(record.key(), Quarantines.context(source, "key"));
            }
            value = sealer.seal(record.value(), Quarantines.context(source, "value"));
        } else {
            // Without a quarantine key nothing of the record is kept: coordinates and error only.
            h.add(VeilHeaders.SEALED, bytes("none"));
        }
        context.forward(new Record<>(key, value, record.timestamp(), h), quarantineSink);
    }

    private static String coordinates(RecordMetadata m) {
        return m.topic() + "/" + m.partition() + "/" + m.offset();
    }

    private byte[] summary(int segment, long[] counts) {
        scratch.setLength(0);
        String[] parts = summaryParts[segment];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                if (scratch.length() > 0) {
                    scratch.append(',');
                }
                scratch.append(parts[c]).append(':').append(counts[c]);
            }
        }
        return scratch.length() == 0 ? VeilHeaders.EMPTY : scratch.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void adopt(Deployment d) {
        Plan plan = d.plan(input);
        if (deployment != null && deployment.plan(input) == plan) {
            deployment = d; // only grants or consent changed: same plan, same masker
            return;
        }
        writeSummary(); // the summary so far belongs to the old policy
        if (plan.segments().size() != segmentSinks.size()) {
            // The topology was built for another shape; the control plane refuses such activations, so this is
            // a bug. Failing the task is the closed failure.
            throw new IllegalStateException("policy " + d.policy().shortVersion() + " has " + plan.segments().size()
                    + " segments for " + input + ", the running topology " + segmentSinks.size());
        }
        deployment = d;
        if (!"json".equals(d.format(input))) {
            masker = null;
            other = codecs.masker(d.stream(input), plan, outputTopics, drift(d), (type, number) -> alert(
                    "undeclared-field", Alert.Severity.WARNING, input + "/" + type + "#" + number,
                    () -> "field number " + number + " of " + type + " in " + input + " is not in the descriptor set;"
                            + " it is left out of every view until the descriptor set is updated",
                    () -> java.util.Map.of("stream", input, "type", type, "number", number,
                            "policy", d.policy().shortVersion())));
        } else {
            other = null;
            adoptJson(d, plan);
        }
        policyHeader = bytes(d.policy().shortVersion());
        List<DataClass> classes = d.policy().classTable().classes();
        summaryParts = new String[segmentSinks.size()][classes.size()];
        lastCounts = new long[0]; // a new policy means new actions: no summary of the old one is reused
        lastSummaries = new byte[segmentSinks.size()][];
        for (int s = 0; s < segmentSinks.size(); s++) {
            for (DataClass c : classes) {
                Action a = plan.action(s, c);
                summaryParts[s][c.id()] = c.name() + ":" + a.name();
            }
        }
    }

    /** A JSON stream's masker, with grants and consent, whose drift raises undeclared-PII alerts. */
    private void adoptJson(Deployment d, Plan plan) {
        masker = new GovernedMasker(plan, input);
        masker.base().onDrift(drift(d));
    }

    /** Undeclared PII (a field no rule names, classified by its name or content) raises an alert, once per field. */
    private JsonMasker.Drift drift(Deployment d) {
        return (path, cls, byName) -> alert("undeclared-pii", Alert.Severity.WARNING,
                input + "/" + path + "/" + cls.name(), () -> cls.name() + " found in " + input + " field " + path
                        + " by its " + (byName ? "name" : "content") + "; no rule names that field (masked as "
                        + cls.name() + " meanwhile — add a rule under fields:)",
                () -> java.util.Map.of("stream", input, "path", path, "class", cls.name(), "by", byName ? "name" : "content",
                        "policy", d.policy().shortVersion()));
    }

    /** Input headers without any {@code veil-} header: downstream must be able to trust Veil's own. */
    private static Headers stripVeilHeaders(Headers in) {
        boolean any = false;
        for (Header h : in) {
            if (h.key().startsWith(VeilHeaders.PREFIX)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return in;
        }
        RecordHeaders out = new RecordHeaders();
        for (Header h : in) {
            if (!h.key().startsWith(VeilHeaders.PREFIX)) {
                out.add(h);
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
