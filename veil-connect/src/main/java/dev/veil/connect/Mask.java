package dev.veil.connect;

import dev.veil.core.engine.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect transformation that hands the topic only what one policy segment is entitled to: every record's
 * value (and, with {@code mask.key}, its key) runs through the segment's compiled plan — path rules, field-name
 * heuristics, content detection and the segment's actions — exactly as in the Veil service.
 *
 * <pre>
 * transforms=veil
 * transforms.veil.type=dev.veil.connect.Mask
 * transforms.veil.policy=/etc/veil/policy.yaml
 * transforms.veil.segment=analytics
 * </pre>
 *
 * <p>Fails closed: a record that cannot be masked fails the task (or, with {@code on.error=drop}, is dropped and
 * counted); it is never forwarded as it came. Connect's own error handling (a dead letter queue) would receive the
 * unmasked record, so do not route this transformation's failures to a topic others can read.
 */
public final class Mask<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String POLICY = "policy";
    public static final String SEGMENT = "segment";
    public static final String ENVELOPE = "envelope";
    public static final String MASK_KEY = "mask.key";
    public static final String ON_ERROR = "on.error";

    /** Every option, declared once: type, default, validator, importance and documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(POLICY, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.HIGH, "The Veil policy file (YAML). Keys it names are loaded with the master"
                            + " key from VEIL_MASTER_KEY_URI, as for the service.")
            .define(SEGMENT, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.HIGH, "The policy segment whose view this connector's topic gets.")
            .define(ENVELOPE, ConfigDef.Type.STRING, "auto",
                    ConfigDef.CaseInsensitiveValidString.in("auto", "none", "debezium"), ConfigDef.Importance.MEDIUM,
                    "How change events are read. auto: a Debezium envelope (a struct named *.Envelope with op and"
                            + " before/after, or a schemaless map with op, source and before/after) is masked by the"
                            + " row's field paths; none: every value is masked by its own paths; debezium: any value"
                            + " with op and before/after is an envelope.")
            .define(MASK_KEY, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM,
                    "Also mask the record key (with the same plan). Keys decide partitions: a masked key moves"
                            + " records to other partitions unless the action is deterministic.")
            .define(ON_ERROR, ConfigDef.Type.STRING, "fail", ConfigDef.CaseInsensitiveValidString.in("fail", "drop"),
                    ConfigDef.Importance.MEDIUM, "A record that cannot be masked: fail the task (fail) or drop the"
                            + " record and count it (drop). Neither forwards it unmasked.");

    private static final Logger LOG = LoggerFactory.getLogger(Mask.class);

    private ConnectMasker masker;
    private boolean maskKey;
    private boolean dropOnError;
    private String segment;
    private long dropped;
    private long failed;
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();

    @Override
    public void configure(Map<String, ?> props) {
        AbstractConfig c = new AbstractConfig(CONFIG_DEF, props);
        String policy = c.getString(POLICY);
        segment = c.getString(SEGMENT);
        Plan plan;
        try {
            plan = Plan.load(Path.of(policy), List.of(segment));
        } catch (Exception e) {
            throw new ConfigException(POLICY, policy, "cannot load the policy for segment " + segment + ": "
                    + e.getMessage());
        }
        masker = new ConnectMasker(plan, ConnectMasker.Envelope.valueOf(
                c.getString(ENVELOPE).toUpperCase(Locale.ROOT)));
        masker.onDrift((path, cls, byName) -> {
            if (reported.size() < 10_000 && reported.putIfAbsent(path + '\u0000' + cls.name(), true) == null) {
                LOG.warn("segment {}: field {} holds {} (found by its {}) and no policy rule names it; add it to the"
                        + " policy's fields:", segment, path, cls.name(), byName ? "name" : "content");
            }
        });
        maskKey = c.getBoolean(MASK_KEY);
        dropOnError = c.getString(ON_ERROR).equalsIgnoreCase("drop");
    }

    @Override
    public R apply(R record) {
        if (masker == null) {
            throw new IllegalStateException("dev.veil.connect.Mask is not configured");
        }
        try {
            ConnectMasker.Out value = masker.mask(record.valueSchema(), record.value());
            ConnectMasker.Out key = maskKey ? masker.mask(record.keySchema(), record.key())
                    : new ConnectMasker.Out(record.keySchema(), record.key());
            return record.newRecord(record.topic(), record.kafkaPartition(), key.schema(), key.value(),
                    value.schema(), value.value(), record.timestamp(), record.headers());
        } catch (ConnectMasker.Dropped d) {
            dropped++;
            return null;
        } catch (RuntimeException e) {
            failed++;
            // a DataException names the type or field, never a value; anything else is named by its type only
            String why = e instanceof DataException ? e.getMessage()
                    : e instanceof ClassCastException ? "a value does not match its schema"
                    : "masking failed (" + e.getClass().getName() + ")";
            if (dropOnError) {
                LOG.warn("segment {}: dropped a record of {} that cannot be masked: {}", segment, record.topic(), why);
                return null;
            }
            throw new DataException("segment " + segment + ": cannot mask a record of " + record.topic() + ": " + why);
        }
    }

    /** Records the policy dropped, and records that could not be masked, since configure. */
    public long[] counts() {
        return new long[] {dropped, failed};
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        String v = Mask.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public void close() {
        masker = null;
    }
}
