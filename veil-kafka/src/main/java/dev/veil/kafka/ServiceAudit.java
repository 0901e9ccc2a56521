package dev.veil.kafka;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.audit.AuditSink;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.keys.Identity;
import dev.veil.core.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's audit trail: one hash-chained, signed chain per instance run on the audit topic. Entries name
 * coordinates, identities, classes and counts, never values. Writing never throws into the masking path: a failed
 * write is logged, and the gap shows as a broken chain when the topic is verified.
 */
class ServiceAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAudit.class);
    static final ServiceAudit NONE = new ServiceAudit(null);
    /** How often entries are signed, and how often each task writes its masking summary. */
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final AuditLog log;
    private ScheduledExecutorService checkpoints;

    ServiceAudit(AuditLog log) {
        this.log = log;
    }

    /**
     * Starts this instance's chain on {@code topic}, named after the application and the start (so every run is
     * its own chain), signed by {@code signer} (null: a fresh key, named in the chain's opening entry), with a
     * signed checkpoint every {@link #INTERVAL}.
     */
    static ServiceAudit start(Producer<byte[], byte[]> producer, String topic, String application, Identity signer)
            throws ServiceException {
        Identity id = signer != null ? signer : Identity.generate("veil-service");
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String writer = application + "/" + Instant.now().toEpochMilli() + "-" + HexFormat.of().formatHex(rnd);
        ServiceAudit a;
        try {
            a = new ServiceAudit(AuditLog.start(topicSink(producer, topic, writer), id, writer, Clock.systemUTC(),
                    AuditLog.DEFAULT_CHECKPOINT_EVERY));
        } catch (IOException e) {
            throw new ServiceException("cannot start the audit trail on " + topic + ": " + e.getMessage(), e);
        }
        a.checkpoints = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-audit-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = INTERVAL.toMillis();
        a.checkpoints.scheduleAtFixedRate(a::checkpoint, every, every, TimeUnit.MILLISECONDS);
        return a;
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

    void append(String type, Map<String, ?> fields) {
        if (log == null) {
            return;
        }
        try {
            log.append(type, fields);
        } catch (IOException | RuntimeException e) {
            LOG.error("audit entry '{}' could not be written ({})", type, e.getClass().getName());
        }
    }

    void policyActivated(Policy p, long offset) {
        append("policy-activated", Map.of("policy", p.name(), "version", p.version(), "control_offset", offset));
    }

    /** A governance record as it arrived: its own fields, the control offset and, for grants, what it means now. */
    void governance(GovernanceRecord g, Governance now, long offset) {
        Map<String, Object> f = g.auditFields();
        f.put("control_offset", offset);
        if (g instanceof GovernanceRecord.GrantRecord gr) {
            for (Governance.Status s : now.statuses()) {
                if (s.grant().id().equals(gr.grant().id())) {
                    f.put("state", s.describe(System.currentTimeMillis()) + (s.problem() == null ? "" : ": " + s.problem()));
                }
            }
        }
        append(g.auditType(), f);
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
            LOG.error("audit checkpoint could not be written ({})", e.getClass().getName());
        }
    }

    /** Stops the periodic checkpoints and writes the final one. */
    @Override
    public void close() {
        if (log == null) {
            return;
        }
        if (checkpoints != null) {
            checkpoints.shutdownNow();
        }
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("audit log could not be closed ({})", e.getClass().getName());
        }
    }
}
