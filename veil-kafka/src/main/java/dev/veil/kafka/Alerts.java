package dev.veil.kafka;

import dev.veil.core.codec.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service raises alerts: the log and the alerts topic, one JSON object per alert. Messages name files,
 * lines, keys, topics and versions — never a value from a record.
 */
final class Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String instance;
    private volatile ServiceAudit audit = ServiceAudit.NONE;

    /** Every alert also goes to the audit trail. */
    void audit(ServiceAudit a) {
        this.audit = a;
    }

    Alerts(Producer<byte[], byte[]> producer, String topic, String instance) {
        this.producer = producer;
        this.topic = topic;
        this.instance = instance;
    }

    /** Logs the alert and sends it to the alert topic; never throws. */
    void raise(String kind, String message) {
        LOG.warn("alert {}: {}", kind, message);
        audit.alert(kind, message);
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"kind\":");
        JsonText.quote(kind, sb);
        sb.append(",\"at\":\"").append(Instant.now()).append("\",\"instance\":");
        JsonText.quote(instance, sb);
        sb.append(",\"message\":");
        JsonText.quote(message, sb);
        sb.append('}');
        try {
            producer.send(new ProducerRecord<>(topic, kind.getBytes(StandardCharsets.UTF_8),
                    sb.toString().getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                        if (e != null) {
                            LOG.warn("alert {} could not be written to {}: {}", kind, topic, e.getClass().getName());
                        }
                    });
        } catch (RuntimeException e) {
            // Raising an alert never fails its caller (the control thread, a stream thread's failure handler).
            LOG.error("alert {} could not be sent to {} ({})", kind, topic, e.getClass().getName());
        }
    }
}
