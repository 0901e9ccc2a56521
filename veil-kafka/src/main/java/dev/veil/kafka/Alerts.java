package dev.veil.kafka;

import dev.veil.core.alert.Alert;
import dev.veil.core.alert.AlertSink;
import dev.veil.core.alert.Alerter;
import dev.veil.core.governance.GovernanceRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's alerts: to the log, the alert topic and any configured sinks (a signed webhook), through one
 * {@link Alerter} that folds repeats and holds each kind to a rate; every alert raised also enters the audit trail.
 */
final class Alerts implements AutoCloseable {
    /** Alerts that nobody reads (tests of parts that raise them). */
    static final Alerts NONE = new Alerts(Alerter.NONE);
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final Alerter alerter;

    private Alerts(Alerter alerter) {
        this.alerter = alerter;
    }

    /**
     * Alerts of instance {@code instance} to the log, {@code topic} and {@code extra} sinks, at most
     * {@code perKindPerMinute} of each kind per minute, each one raised also written to {@code audit}.
     */
    static Alerts start(Producer<byte[], byte[]> producer, String topic, String instance, List<AlertSink> extra,
                        int perKindPerMinute, ServiceAudit audit) {
        Alerter.Builder b = Alerter.builder(instance)
                .perKindPerMinute(perKindPerMinute)
                .sink(logSink())
                .sink(topicSink(producer, topic))
                .onRaised(a -> audit.alert(a.kind(), a.message()))
                .problems(p -> LOG.warn("{}", p));
        extra.forEach(b::sink);
        return new Alerts(b.build());
    }

    private static AlertSink logSink() {
        return new AlertSink() {
            @Override
            public String name() {
                return "log";
            }

            @Override
            public void deliver(Alert a, byte[] json) {
                LOG.warn("alert {} ({}): {}{}", a.kind(), a.severity().name().toLowerCase(java.util.Locale.ROOT),
                        a.message(), a.repeats() + a.suppressed() == 0 ? ""
                                : " [+" + a.repeats() + " repeats, " + a.suppressed() + " held back]");
            }
        };
    }

    private static AlertSink topicSink(Producer<byte[], byte[]> producer, String topic) {
        return new AlertSink() {
            @Override
            public String name() {
                return "topic " + topic;
            }

            @Override
            public void deliver(Alert a, byte[] json) throws IOException {
                try {
                    producer.send(new ProducerRecord<>(topic, a.kind().getBytes(StandardCharsets.UTF_8), json))
                            .get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException("cannot write to " + topic + ": " + e.getClass().getSimpleName());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted writing to " + topic);
                }
            }
        };
    }

    /** A warning keyed by its message: the same message again within the window is folded into the next. */
    void raise(String kind, String message) {
        raise(kind, Alert.Severity.WARNING, message, message, Map.of());
    }

    /** Raises an alert (see {@link Alerter#raise}); never throws. */
    void raise(String kind, Alert.Severity severity, String key, String message, Map<String, ?> fields) {
        raise(kind, severity, key, () -> message, () -> fields);
    }

    /** As above, with message and fields built only when the alert is not folded or held back. */
    void raise(String kind, Alert.Severity severity, String key, Supplier<String> message,
               Supplier<? extends Map<String, ?>> fields) {
        try {
            alerter.raise(kind, severity, key, message, fields);
        } catch (RuntimeException e) {
            // Raising an alert never fails its caller (the control thread, a stream thread).
            LOG.error("alert {} could not be raised ({})", kind, e.getClass().getName());
        }
    }

    /** A grant requested, approved or revoked, or a consent change, as it arrived on the control topic. */
    void governance(GovernanceRecord g) {
        Map<String, Object> f = g.auditFields();
        String what = switch (g.auditType()) {
            case "grant-requested" -> "grant " + f.get("grant") + " requested by " + f.get("requester") + " for "
                    + f.get("stream") + "/" + f.get("segment");
            case "grant-approved" -> "grant " + f.get("grant") + " approved by " + f.get("approver") + " for "
                    + f.get("stream") + "/" + f.get("segment") + " until " + f.get("end");
            case "grant-revoked" -> "grant " + f.get("grant") + " revoked by " + f.get("by");
            case "consent-changed" -> "a data subject " + f.get("state") + " (signed by " + f.get("by") + ")";
            default -> g.auditType().replace('-', ' ');
        };
        raise(g.auditType(), Alert.Severity.INFO, g.storeKey() + "/" + g.auditType(), what, f);
    }

    @Override
    public void close() {
        alerter.close();
    }
}
