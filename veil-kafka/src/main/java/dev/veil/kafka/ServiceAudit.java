package dev.veil.kafka;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.audit.AuditSink;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's audit trail: one hash-chained, signed chain per instance run on the audit topic. Entries name
 * coordinates, identities, classes and counts, never values. Writing never throws into the masking path: a failed
 * write is logged and counted ({@link #failures()}), and the gap shows as a broken chain when the topic is verified.
 */
class ServiceAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAudit.class);
    static final ServiceAudit NONE = new ServiceAudit(null);

    private final AuditLog log;
    private final AtomicLong failures = new AtomicLong();

    ServiceAudit(AuditLog log) {
        this.log = log;
    }

    /** A sink writing each entry as one record to partition 0 of {@code topic}, keyed by the chain's writer. */
    static AuditSink topicSink(Producer<byte[], byte[]> producer, String topic, String writer) {
        byte[] key = writer.getBytes(StandardCharsets.UTF_8);
        return new AuditSink() {
            @Override
            public void write(byte[] line) {
                // one producer, one partition, idempotent: entries keep their order
                producer.send(new ProducerRecord<>(topic, 0, key, line));
            }

            @Override
            public void flush() {
                producer.flush();
            }

            @Override
            public void close() {
                producer.flush();
            }
        };
    }

    boolean enabled() {
        return log != null;
    }

    long failures() {
        return failures.get();
    }

    void append(String type, Map<String, ?> fields) {
        if (log == null) {
            return;
        }
        try {
            log.append(type, fields);
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("audit entry '{}' could not be written ({})", type, e.getClass().getName());
        }
    }

    void policyActivated(Policy p, long offset) {
        append("policy-activated", Map.of("policy", p.name(), "version", p.version(), "control_offset", offset));
    }

    void governance(GovernanceRecord g, Governance now, long offset) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("control_offset", offset);
        String type;
        if (g instanceof GovernanceRecord.GrantRecord gr) {
            type = gr.approved() ? "grant-approved" : "grant-requested";
            f.put("grant", gr.grant().id());
            f.put("stream", gr.grant().stream());
            f.put("segment", gr.grant().segment());
            f.put("classes", gr.grant().classes());
            f.put("fields", gr.grant().fields());
            f.put("subjects", gr.grant().subjects().size());
            f.put("requester", gr.grant().requester());
            if (gr.approved()) {
                f.put("approver", gr.approver());
            }
            f.put("ticket", gr.grant().ticket());
            f.put("start", gr.grant().start().toString());
            f.put("end", gr.grant().end().toString());
            String state = "unknown";
            for (Governance.Status s : now.statuses()) {
                if (s.grant().id().equals(gr.grant().id())) {
                    state = s.describe(System.currentTimeMillis()) + (s.problem() == null ? "" : ": " + s.problem());
                }
            }
            f.put("state", state);
        } else if (g instanceof GovernanceRecord.Revocation r) {
            type = "grant-revoked";
            f.put("grant", r.grantId());
            f.put("by", r.by());
        } else {
            GovernanceRecord.ConsentChange c = (GovernanceRecord.ConsentChange) g;
            type = "consent-changed";
            f.put("subject", c.subject());
            f.put("state", c.optedOut() ? "opted-out" : "opted-in");
            f.put("by", c.by());
        }
        append(type, f);
    }

    void grantUsed(String grant, String segment, String coordinates, Map<String, Long> classes, List<String> fields) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("grant", grant);
        f.put("segment", segment);
        f.put("record", coordinates);
        f.put("classes", classes);
        f.put("fields", fields);
        append("grant-used", f);
    }

    void suppressed(String coordinates, String action) {
        append("consent-suppressed", Map.of("record", coordinates, "action", action));
    }

    void quarantined(String coordinates, String reason) {
        append("quarantine", Map.of("record", coordinates, "reason", reason));
    }

    void alert(String kind, String message) {
        append("alert", Map.of("kind", kind, "message", message));
    }

    /** Signs what was written since the last checkpoint (called periodically). */
    void checkpoint() {
        if (log == null) {
            return;
        }
        try {
            log.checkpoint();
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("audit checkpoint could not be written ({})", e.getClass().getName());
        }
    }

    @Override
    public void close() {
        if (log == null) {
            return;
        }
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("audit log could not be closed ({})", e.getClass().getName());
        }
    }

    static Duration checkpointInterval() {
        return Duration.ofSeconds(5);
    }
}
