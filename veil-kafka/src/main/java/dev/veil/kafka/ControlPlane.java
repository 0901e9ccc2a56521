package dev.veil.kafka;

import dev.veil.core.engine.Limits;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.engine.PlanException;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyException;
import dev.veil.core.policy.PolicyLoader;
import dev.veil.core.policy.PolicyProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control topic: a compacted, single-partition topic every instance reads from the beginning and follows.
 * A record's key says what it sets — {@code policy} for the active policy (the value is the policy's YAML) — and
 * the latest record per key wins. Signed grants ({@code grant/ID}), revocations ({@code revoke/ID}) and consent
 * changes ({@code consent/FINGERPRINT}) travel the same way: each is checked against the local trust store and the
 * active policy, and the resulting {@link Governance} is published with the deployment, so a grant, revocation or
 * opt-out takes effect on the next record. Records of kinds this version does not know are skipped with a log
 * line, so older instances keep running when newer ones publish more.
 */
public final class ControlPlane implements AutoCloseable {
    /** Key of the active-policy record. */
    public static final String POLICY_KEY = "policy";
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Path baseDir;
    private final Limits limits;
    private final Codecs codecs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Consumer<Activation>> listeners = new CopyOnWriteArrayList<>();
    private Thread thread;
    private volatile Deployment current;
    private volatile List<String> shape;
    private Alerts alerts = Alerts.NONE;

    /**
     * What an activation record turned into: the new deployment and the text it was compiled from, or the reason it
     * was refused.
     */
    public record Activation(long offset, String version, Deployment deployment, String text, String refusal) {
        public boolean accepted() {
            return deployment != null;
        }
    }

    private volatile boolean following;
    private final GovernanceLedger ledger = new GovernanceLedger();
    private TrustStore trust = TrustStore.empty();
    private ServiceAudit audit = ServiceAudit.NONE;
    private final java.util.Set<String> expired = new java.util.HashSet<>();

    /** The identities grants and consent changes must be signed by (local configuration, never from the topic). */
    void trust(TrustStore t) {
        this.trust = t;
    }

    void audit(ServiceAudit a) {
        this.audit = a;
    }

    ControlPlane(Map<String, String> client, String topic, Path baseDir, Limits limits, Codecs codecs) {
        this.codecs = codecs;
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "veil-control");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partition = new TopicPartition(topic, 0);
        this.baseDir = baseDir;
        this.limits = limits;
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /**
     * Reads the control topic to its current end and returns the YAML of the last policy activation, or null when
     * none was ever published; the governance records on the way go into the ledger. Called before the service
     * starts (again after seeding the topic).
     */
    String readActivePolicy(Duration timeout) {
        String[] latest = new String[1];
        readToEnd(consumer, partition, timeout, r -> {
            if (isPolicy(r) && r.value() != null) {
                latest[0] = new String(r.value(), StandardCharsets.UTF_8);
            } else if (isGovernance(r) && r.value() != null) {
                try {
                    ledger.add(r.value());
                } catch (IllegalArgumentException e) {
                    LOG.warn("control record at offset {} is not a governance record this version reads ({})",
                            r.offset(), e.getMessage());
                }
            }
        });
        return latest[0];
    }

    /** Starts following the topic: every later activation is compiled and, when valid, made current. */
    void follow(Deployment initial, Alerts alerts) {
        this.current = initial.withGovernance(evaluate(initial));
        // grants that ended before this instance started were alerted on by the instance that saw them end
        endedGrants(System.currentTimeMillis()).forEach(g -> expired.add(g.id()));
        this.shape = initial.shape();
        this.alerts = alerts;
        following = true;
        thread = new Thread(this::loop, "veil-control");
        thread.setDaemon(true);
        thread.start();
    }

    /** The deployment every processor masks with now. */
    public Deployment current() {
        return current;
    }

    /** Called on the control thread after each activation record, accepted or refused. */
    public void onActivation(Consumer<Activation> listener) {
        listeners.add(listener);
    }

    private void loop() {
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                alertExpiries();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        handle(r);
                    } catch (RuntimeException | StackOverflowError e) {
                        // One bad record or listener must not end the following: later activations (a fix, a
                        // tightening) have to arrive all the same.
                        LOG.error("control record at offset {} could not be handled ({})", r.offset(),
                                e.getClass().getName());
                        alerts.raise("control-record-failed", "control record at offset " + r.offset()
                                + " could not be handled: " + e.getClass().getName() + " — policy "
                                + current.policy().shortVersion() + " stays active");
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the control topic reader stopped ({}); policy activations are not followed any more",
                    e.getClass().getName());
            alerts.raise("control-plane-stopped", "the control topic reader stopped: " + e.getClass().getName()
                    + "; restart the instance to follow activations again");
        } finally {
            following = false;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Approved grants whose window has ended by {@code now}. */
    private List<dev.veil.core.governance.Grant> endedGrants(long now) {
        return current.governance().statuses().stream()
                .filter(st -> st.state() == Governance.State.APPROVED && st.grant().end().toEpochMilli() <= now)
                .map(Governance.Status::grant).toList();
    }

    /** One alert per grant when its window ends (checked on every poll, so within ~100 ms). */
    private void alertExpiries() {
        for (dev.veil.core.governance.Grant g : endedGrants(System.currentTimeMillis())) {
            if (expired.add(g.id())) {
                alerts.raise("grant-expired", dev.veil.core.alert.Alert.Severity.INFO, "grant/" + g.id(),
                        "grant " + g.id() + " for " + g.stream() + "/" + g.segment() + " expired at " + g.end(),
                        Map.of("grant", g.id(), "stream", g.stream(), "segment", g.segment(), "end", g.end().toString()));
                audit.append("grant-expired", Map.of("grant", g.id(), "end", g.end().toString()));
            }
        }
    }

    /** Whether the follower thread is still reading the control topic (false before {@link #follow}). */
    boolean following() {
        return following;
    }

    private Governance evaluate(Deployment d) {
        return ledger.evaluate(d.policy(), trust, d.fingerprints());
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (isGovernance(r)) {
            if (r.value() == null) {
                return; // deleting a record never widens what is lifted: revocations and opt-outs stay in memory
            }
            GovernanceRecord g;
            try {
                g = ledger.add(r.value());
            } catch (IllegalArgumentException e) {
                alerts.raise("governance-record-rejected", "control record at offset " + r.offset()
                        + " is not a governance record: " + e.getMessage());
                return;
            }
            Deployment d = current;
            Governance now = evaluate(d);
            current = d.withGovernance(now);
            audit.governance(g, now, r.offset());
            alerts.governance(g);
            return;
        }
        if (!isPolicy(r)) {
            // The key is not logged: future keys (consent fingerprints) are not for logs.
            LOG.info("control record at offset {} is not a policy activation; this version skips it", r.offset());
            return;
        }
        if (r.value() == null) {
            return; // a deleted activation leaves the running policy in place
        }
        String source = "control:" + r.offset();
        Activation a;
        try {
            String text = new String(r.value(), StandardCharsets.UTF_8);
            Policy p = PolicyLoader.parse(text, source, baseDir);
            List<String> newShape = Deployment.shape(p);
            if (p.version().equals(current.policy().version())) {
                a = new Activation(r.offset(), p.shortVersion(), current, text, null); // already running: nothing to do
            } else if (!newShape.equals(shape)) {
                a = new Activation(r.offset(), p.shortVersion(), null, null, "policy " + p.shortVersion()
                        + " changes the streams (inputs, segments or output topics) from " + shape + " to " + newShape
                        + "; restart the instances to run it");
            } else {
                Deployment d = Deployment.compile(p, limits);
                codecs.verify(d); // a stream it cannot mask is refused here, not in the stream threads
                d = d.withGovernance(evaluate(d));
                current = d;
                audit.policyActivated(p, r.offset());
                alerts.raise("policy-activated", dev.veil.core.alert.Alert.Severity.INFO, p.version(),
                        "policy " + p.shortVersion() + " (" + p.name() + ") activated from control offset " + r.offset(),
                        Map.of("policy", p.name(), "version", p.version(), "control_offset", r.offset()));
                a = new Activation(r.offset(), p.shortVersion(), d, text, null);
                LOG.info("policy {} ({}) activated from the control topic at offset {}", p.shortVersion(), p.name(),
                        r.offset());
            }
        } catch (PolicyException e) {
            StringBuilder sb = new StringBuilder("invalid policy at control offset " + r.offset() + ":");
            for (PolicyProblem problem : e.problems()) {
                sb.append(' ').append(problem).append(';');
            }
            a = new Activation(r.offset(), null, null, null, sb.toString());
        } catch (PlanException e) {
            a = new Activation(r.offset(), null, null, null, "policy at control offset " + r.offset() + " cannot be compiled: "
                    + e.getMessage());
        }
        if (!a.accepted()) {
            alerts.raise("policy-rejected", a.refusal() + " — policy " + current.policy().shortVersion() + " stays active");
        }
        for (Consumer<Activation> l : listeners) {
            l.accept(a);
        }
    }

    private static boolean isGovernance(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return false;
        }
        return GovernanceRecord.isStoreKey(new String(r.key(), StandardCharsets.UTF_8));
    }

    private static boolean isPolicy(ConsumerRecord<byte[], byte[]> r) {
        return r.key() != null && POLICY_KEY.equals(new String(r.key(), StandardCharsets.UTF_8));
    }

    /**
     * Publishes a policy activation. The text is validated by the caller; instances validate it again and refuse
     * what they cannot run.
     *
     * @return the offset of the activation record
     */
    public static long publishPolicy(String bootstrap, String topic, String policyYaml, String actor)
            throws ServiceException {
        return publishPolicy(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, policyYaml, actor);
    }

    /**
     * As {@link #publishPolicy(String, String, String, String)}, with client settings (bootstrap servers, security)
     * given as Kafka client properties.
     */
    public static long publishPolicy(Map<String, String> client, String topic, String policyYaml, String actor)
            throws ServiceException {
        return publish(client, topic, POLICY_KEY, policyYaml.getBytes(StandardCharsets.UTF_8), actor);
    }

    /**
     * Publishes a record under {@code key} — {@code policy}, or a governance record's {@code grant/ID},
     * {@code revoke/ID}, {@code consent/FINGERPRINT} — with kind and actor headers, and waits for the broker's
     * acknowledgement.
     *
     * @return the record's offset
     */
    public static long publish(Map<String, String> client, String topic, String key, byte[] value, String actor)
            throws ServiceException {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        String kind = key.indexOf('/') < 0 ? key : key.substring(0, key.indexOf('/'));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, 0, key.getBytes(StandardCharsets.UTF_8), value);
            rec.headers().add(VeilHeaders.KIND, kind.getBytes(StandardCharsets.UTF_8));
            rec.headers().add(VeilHeaders.ACTOR, actor.getBytes(StandardCharsets.UTF_8));
            return producer.send(rec).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new ServiceException("cannot publish the " + (key.equals(POLICY_KEY) ? "activation" : kind + " record")
                    + " to " + topic + " on " + client.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e, e);
        }
    }

    /**
     * Every record now on the control topic whose key starts with one of {@code prefixes}: values in offset order,
     * read in one pass.
     */
    public static List<byte[]> readAll(Map<String, String> client, String topic, List<String> prefixes, Duration timeout)
            throws ServiceException {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            readToEnd(c, tp, timeout, r -> {
                if (r.key() != null && r.value() != null) {
                    String k = new String(r.key(), StandardCharsets.UTF_8);
                    if (prefixes.stream().anyMatch(k::startsWith)) {
                        out.add(r.value());
                    }
                }
            });
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ServiceException("cannot read " + topic + " on " + client.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ": " + e.getClass().getSimpleName(), e);
        }
        return out;
    }

    /** Hands every record up to the partition's current end to {@code each}; the consumer is positioned already. */
    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, Duration timeout,
                                  Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + tp.topic() + " took longer than " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                each.accept(r);
            }
        }
    }

    /** Topic settings of the control topic: compacted, one partition, every activation kept until superseded. */
    static Map<String, String> topicConfig() {
        return Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            consumer.wakeup();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
