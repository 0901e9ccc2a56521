package dev.veil.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one stream: records in, out and dropped per segment, quarantined per reason, and the time spent
 * masking. Labels are topic, segment and reason names only — never anything from a record.
 */
final class StreamMetrics {
    private final MeterRegistry registry;
    private final String stream;
    private final Counter in;
    private final Counter[] out;
    private final Counter[] dropped;
    private final Timer latency;
    private final Map<String, Counter> quarantined = new ConcurrentHashMap<>();
    private final Map<String, Counter> grantUses = new ConcurrentHashMap<>();
    private final Map<String, Counter> alerts = new ConcurrentHashMap<>();

    StreamMetrics(MeterRegistry registry, String stream, List<String> segments) {
        this.registry = registry;
        this.stream = stream;
        this.in = Counter.builder("veil.records.in").description("Records read from the input topic")
                .tag("stream", stream).register(registry);
        this.out = new Counter[segments.size()];
        this.dropped = new Counter[segments.size()];
        for (int s = 0; s < segments.size(); s++) {
            out[s] = Counter.builder("veil.records.out").description("Records written to a segment's topic")
                    .tag("stream", stream).tag("segment", segments.get(s)).register(registry);
            dropped[s] = Counter.builder("veil.records.dropped")
                    .description("Records a segment does not get (drop-record)")
                    .tag("stream", stream).tag("segment", segments.get(s)).register(registry);
        }
        this.latency = Timer.builder("veil.mask.latency").description("Time to parse and mask one record for all segments")
                .tag("stream", stream).register(registry);
        quarantinedCounter("INVALID_JSON"); // present from the start, so dashboards and alerts see a zero
    }

    void in() {
        in.increment();
    }

    void out(int segment) {
        out[segment].increment();
    }

    void dropped(int segment) {
        dropped[segment].increment();
    }

    void masked(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void quarantined(String reason) {
        quarantinedCounter(reason).increment();
    }

    /** A record of this stream masked differently in {@code segment} because of grant {@code grant}. */
    void grantUsed(String grant, String segment) {
        grantUses.computeIfAbsent(grant + '/' + segment, k -> Counter.builder("veil.grant.uses")
                .description("Records masked differently because of a grant (each use is also in the audit trail)")
                .tag("stream", stream).tag("grant", grant).tag("segment", segment).register(registry)).increment();
    }

    /** An alert raised about this stream, by kind (before the alerter's dedupe and rate limit). */
    void alert(String kind) {
        alerts.computeIfAbsent(kind, k -> Counter.builder("veil.alerts").description("Alert conditions seen, by kind")
                .tag("stream", stream).tag("kind", kind).register(registry)).increment();
    }

    private Counter quarantinedCounter(String reason) {
        return quarantined.computeIfAbsent(reason, r -> Counter.builder("veil.records.quarantined")
                .description("Records refused and sent to the quarantine topic").tag("stream", stream).tag("reason", r)
                .register(registry));
    }
}
