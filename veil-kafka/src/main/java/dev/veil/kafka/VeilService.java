package dev.veil.kafka;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.PlanException;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyException;
import dev.veil.core.policy.PolicyLoader;
import dev.veil.core.policy.PolicyProblem;
import dev.veil.core.policy.StreamSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masking service: Kafka Streams turning each input topic of the active policy into one masked topic per
 * segment, exactly once by default. The control topic decides the active policy; the policy file given at start
 * seeds it when no activation exists yet. Build one with {@link #builder}, then {@link #start}.
 */
public final class VeilService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VeilService.class);

    /** Processing guarantee. */
    public enum Guarantee { EXACTLY_ONCE, AT_LEAST_ONCE }

    private final Builder cfg;
    private ServiceAudit audit = ServiceAudit.NONE;
    private Alerts alerts = Alerts.NONE;
    private KafkaStreams streams;
    private ControlPlane control;
    private KafkaProducer<byte[], byte[]> alertProducer;
    private KafkaStreamsMetrics streamsMetrics;
    private Deployment started;
    private String seedNote;
    private final java.util.concurrent.atomic.AtomicInteger replacedThreads = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.ArrayDeque<Long> replacementTimes = new java.util.ArrayDeque<>();
    /** Stream-thread replacements tolerated within a minute before the instance stops itself. */
    static final int MAX_REPLACEMENTS = 5;

    private VeilService(Builder cfg) {
        this.cfg = cfg;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects, makes sure the service's topics exist, picks the active policy and starts processing.
     *
     * @throws ServiceException when the policy is invalid, an input topic is missing or Kafka is unreachable;
     *                          the message says what to do
     */
    public synchronized VeilService start() throws ServiceException {
        // The file is read once: what is checked is what gets published.
        String seedText;
        try {
            seedText = Files.readString(cfg.policyFile);
        } catch (IOException e) {
            throw new ServiceException("cannot read policy " + cfg.policyFile + ": " + e.getMessage(), e);
        }
        Path baseDir = cfg.policyFile.toAbsolutePath().getParent();
        Policy seed = parseSeed(seedText, baseDir);
        compile(seed); // a policy this instance cannot run is never published
        try (Admin admin = Admin.create(adminProps())) {
            ensureTopic(admin, cfg.controlTopic, 1, ControlPlane.topicConfig());
            checkControlTopic(admin);
            ensureTopic(admin, cfg.quarantineTopic, 1, Map.of());
            ensureTopic(admin, cfg.alertTopic, 1, Map.of());
            if (cfg.audit) {
                ensureTopic(admin, cfg.auditTopic, 1, Map.of());
            }
            control = new ControlPlane(cfg.client(), cfg.controlTopic, baseDir, cfg.limits, codecs());
            control.trust(cfg.trust);
            String active = control.readActivePolicy(Duration.ofSeconds(30));
            if (active == null || (cfg.activateFile && !sameVersion(active, baseDir, seed))) {
                long offset = ControlPlane.publishPolicy(cfg.client(), cfg.controlTopic, seedText,
                        (active == null ? "veil run " : "veil run --activate ") + cfg.policyFile.getFileName());
                seedNote = "policy " + seed.shortVersion() + " from " + cfg.policyFile
                        + (active == null ? " seeded the control topic" : " activated on the control topic")
                        + " (offset " + offset + ")";
                // Whatever the topic holds now runs: another instance may have published after us.
                String now = control.readActivePolicy(Duration.ofSeconds(30));
                active = now != null ? now : seedText;
            }
            Policy policy = parseActive(active, baseDir);
            if (seedNote == null) {
                seedNote = policy.version().equals(seed.version())
                        ? "policy " + seed.shortVersion() + " is the active one on the control topic"
                        : "the control topic's active policy " + policy.shortVersion() + " runs, not " + cfg.policyFile
                                + " (" + seed.shortVersion() + "); use 'veil policy activate' to change it";
            } else if (!policy.version().equals(seed.version())) {
                seedNote += "; policy " + policy.shortVersion() + " was activated right after it and runs";
            }
            started = compile(policy);
            createOutputTopics(admin, policy);
            LOG.info(seedNote);
            alertProducer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
            if (cfg.audit) {
                audit = ServiceAudit.start(alertProducer, cfg.auditTopic, cfg.applicationId, cfg.auditIdentity);
                audit.append("service-started", Map.of("policy", policy.name(), "version", policy.version(),
                        "application", cfg.applicationId, "trusted_identities", cfg.trust.members().size()));
                control.audit(audit);
            }
            alerts = Alerts.start(alertProducer, cfg.alertTopic, cfg.applicationId, cfg.alertSinks, cfg.alertRate, audit);
            control.follow(started, alerts);
            streams = new KafkaStreams(MaskTopology.build(started, control::current, cfg.quarantineTopic, cfg.registry,
                    MaskProcessor.DEFAULT_MAX_OUTPUT_BYTES, audit, alerts, cfg.sampler, codecs()), streamsProps());
            // A stream thread that dies (a broker gone for longer than the task timeout, a bug) is replaced, so the
            // instance keeps serving its partitions instead of silently shrinking. Only the type is logged: the
            // message of an exception from deep inside processing could quote data.
            streams.setUncaughtExceptionHandler(e -> {
                int n = replacedThreads.incrementAndGet();
                long now = System.nanoTime();
                // A failure that repeats (the same record failing again after each replacement) must not spin for
                // ever: more than MAX_REPLACEMENTS within a minute stops this instance, loudly.
                synchronized (replacementTimes) {
                    replacementTimes.addLast(now);
                    while (now - replacementTimes.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
                        replacementTimes.removeFirst();
                    }
                    if (replacementTimes.size() > MAX_REPLACEMENTS) {
                        LOG.error("stream thread failed ({}) for the {}th time, {} times within a minute; stopping this"
                                + " instance", e.getClass().getName(), n, replacementTimes.size());
                        alerts.raise("service-stopped", "stream threads failed " + replacementTimes.size()
                                + " times within a minute (last: " + e.getClass().getName() + "); the instance stopped");
                        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                    }
                }
                LOG.error("stream thread failed ({}); replacing it", e.getClass().getName());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(cfg.registry);
            streams.start();
        } catch (ServiceException e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            close();
            throw new ServiceException("cannot start on " + cfg.bootstrap + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
        return this;
    }

    /** Stream threads replaced after an uncaught failure since start. */
    public int replacedThreads() {
        return replacedThreads.get();
    }

    /**
     * Whether the service has stopped working: Kafka Streams in ERROR or shut down by the failure handler (without
     * {@link #close}), or the control plane's reader gone.
     */
    public boolean failed() {
        KafkaStreams s = streams;
        if (s != null && (s.state() == KafkaStreams.State.ERROR || s.state() == KafkaStreams.State.NOT_RUNNING
                || s.state() == KafkaStreams.State.PENDING_ERROR)) {
            return true;
        }
        return control != null && !control.following();
    }

    /** What happened to the policy file at start: seeded, active already, or superseded by the control topic. */
    public String seedNote() {
        return seedNote;
    }

    /** The deployment processors mask with now. */
    public Deployment current() {
        return control.current();
    }

    /** Listens to activations from the control topic (on its thread). */
    public void onActivation(java.util.function.Consumer<ControlPlane.Activation> l) {
        control.onActivation(l);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the streams are RUNNING. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public MeterRegistry registry() {
        return cfg.registry;
    }

    public String applicationId() {
        return cfg.applicationId;
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            // Leave the group on a clean stop, so the partitions move to the other instances (or to this one
            // restarted) at once instead of after the session timeout.
            streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                    org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            streams = null;
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        if (control != null) {
            control.close();
            control = null;
        }
        alerts.close(); // what is queued is delivered (and audited) before the audit closes
        alerts = Alerts.NONE;
        audit.close(); // the final checkpoint, before the producer that carries it goes
        audit = ServiceAudit.NONE;
        if (alertProducer != null) {
            alertProducer.close(Duration.ofSeconds(5));
            alertProducer = null;
        }
    }

    private Policy parseSeed(String text, Path baseDir) throws ServiceException {
        try {
            return PolicyLoader.parse(text, cfg.policyFile.toString(), baseDir);
        } catch (PolicyException e) {
            throw ServiceException.policy(problems(cfg.policyFile.toString(), e), e);
        }
    }

    private static Policy parseActive(String yaml, Path baseDir) throws ServiceException {
        try {
            return PolicyLoader.parse(yaml, "control topic", baseDir);
        } catch (PolicyException e) {
            throw ServiceException.policy(problems("the control topic's active policy", e)
                    + "\nactivate a valid policy with 'veil policy activate'", e);
        }
    }

    /** Whether the active text is the seed policy; an unparsable active policy is not. */
    private static boolean sameVersion(String activeYaml, Path baseDir, Policy seed) {
        try {
            return PolicyLoader.parse(activeYaml, "control topic", baseDir).version().equals(seed.version());
        } catch (PolicyException e) {
            return false;
        }
    }

    private static String problems(String what, PolicyException e) {
        StringBuilder sb = new StringBuilder(what).append(" is invalid:");
        for (PolicyProblem p : e.problems()) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }

    private Deployment compile(Policy policy) throws ServiceException {
        try {
            Deployment d = Deployment.compile(policy, cfg.limits);
            codecs().verify(d);
            return d;
        } catch (PlanException e) {
            throw ServiceException.policy(e.getMessage(), e);
        }
    }

    private Codecs codecs() {
        return new Codecs(cfg.schemas, cfg.descriptors);
    }

    private void createOutputTopics(Admin admin, Policy policy) throws ServiceException {
        Set<String> inputs = new java.util.LinkedHashSet<>();
        for (StreamSpec s : policy.streams()) {
            inputs.add(s.input());
        }
        Map<String, TopicDescription> described;
        Map<String, Map<String, String>> inherited;
        try {
            described = new HashMap<>();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String in : inputs) {
                if (!existing.contains(in)) {
                    missing.add(in);
                }
            }
            if (!missing.isEmpty()) {
                if (!cfg.createInputs) {
                    throw new ServiceException("input topic(s) " + missing + " do not exist on " + cfg.bootstrap
                            + "; create them, or fix 'streams:' in the policy");
                }
                for (String in : missing) {
                    ensureTopic(admin, in, cfg.inputPartitions, Map.of());
                }
            }
            described.putAll(admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS));
            inherited = inheritedConfigs(admin, inputs);
        } catch (ExecutionException | TimeoutException e) {
            throw new ServiceException("cannot list topics on " + cfg.bootstrap + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted");
        }
        for (StreamSpec s : policy.streams()) {
            int partitions = described.get(s.input()).partitions().size();
            for (String seg : s.segments()) {
                ensureTopic(admin, s.outputFor(seg), partitions, inherited.getOrDefault(s.input(), Map.of()));
            }
        }
    }

    /** Settings a view takes from its input: a compacted input gives compacted views, retention carries over. */
    private static final List<String> INHERITED = List.of("cleanup.policy", "retention.ms", "retention.bytes");

    private static Map<String, Map<String, String>> inheritedConfigs(Admin admin, Set<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        List<org.apache.kafka.common.config.ConfigResource> res = new ArrayList<>();
        for (String t : topics) {
            res.add(new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t));
        }
        Map<String, Map<String, String>> out = new HashMap<>();
        describeConfigs(admin, res).forEach((r, config) -> {
            Map<String, String> m = new HashMap<>();
            for (String k : INHERITED) {
                org.apache.kafka.clients.admin.ConfigEntry e = config.get(k);
                if (e != null && !e.isDefault() && e.value() != null) {
                    m.put(k, e.value());
                }
            }
            out.put(r.name(), m);
        });
        return out;
    }

    private static Map<org.apache.kafka.common.config.ConfigResource, org.apache.kafka.clients.admin.Config> describeConfigs(
            Admin admin, List<org.apache.kafka.common.config.ConfigResource> res)
            throws ExecutionException, TimeoutException, InterruptedException {
        return admin.describeConfigs(res).all().get(30, TimeUnit.SECONDS);
    }

    /**
     * Refuses a control topic that can lose activations: it must be compacted, so the last activation of each kind
     * is kept for ever, and never deleted by retention (an instance starting later would then seed its own file).
     */
    private void checkControlTopic(Admin admin) throws ServiceException {
        org.apache.kafka.common.config.ConfigResource r = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, cfg.controlTopic);
        try {
            org.apache.kafka.clients.admin.Config c = describeConfigs(admin, List.of(r)).get(r);
            org.apache.kafka.clients.admin.ConfigEntry e = c.get("cleanup.policy");
            if (e == null || !"compact".equals(e.value())) {
                throw new ServiceException("control topic " + cfg.controlTopic + " has cleanup.policy="
                        + (e == null ? "?" : e.value()) + "; it must be compact (only), or activations expire. Fix it with"
                        + " kafka-configs --alter --entity-type topics --entity-name " + cfg.controlTopic
                        + " --add-config cleanup.policy=compact");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ServiceException("cannot read the settings of " + cfg.controlTopic + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted");
        }
    }

    private void ensureTopic(Admin admin, String name, int partitions, Map<String, String> config)
            throws ServiceException {
        try {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) cfg.replication).configs(config)))
                        .all().get(30, TimeUnit.SECONDS);
                LOG.info("created topic {} ({} partitions)", name, partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new ServiceException("cannot create topic " + name + " on " + cfg.bootstrap + ": " + e.getCause(), e);
                }
            }
            // A topic created a moment ago (here or by another instance) is not yet known to every part of the
            // broker; every later call (describe, configs, streams) may rely on it once this returns.
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || attempt >= 100) {
                        throw new ServiceException("topic " + name + " is not usable on " + cfg.bootstrap + ": "
                                + e.getCause(), e);
                    }
                    Thread.sleep(100);
                }
            }
        } catch (TimeoutException e) {
            throw new ServiceException("Kafka at " + cfg.bootstrap + " did not answer within 30 s; is it running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted");
        }
    }

    private Properties adminProps() {
        Properties p = new Properties();
        p.putAll(cfg.client());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.putAll(cfg.client());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, cfg.applicationId + "-alerts");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        // An alert must never hold up the control thread for a minute: give up sending after 5 s (it is logged).
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return p;
    }

    private Properties streamsProps() {
        Properties p = new Properties();
        p.putAll(cfg.client());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, cfg.guarantee == Guarantee.EXACTLY_ONCE
                ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(cfg.threads));
        p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, String.valueOf(cfg.replication));
        p.putAll(tunedStreamsSettings());
        p.putAll(cfg.overrides);
        return p;
    }

    /**
     * The client settings the service adds to Kafka Streams' defaults. Measured on the 2-core reference box
     * (docs/performance.md): larger producer batches and polls roughly double EOS throughput. Public so that the
     * end-to-end benchmark runs its pass-through ceiling with exactly these settings.
     */
    public static Map<String, String> tunedStreamsSettings() {
        return Map.of(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), "262144",
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "5000",
                StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    }

    /** Options of the service; every one has a default except the policy file and the bootstrap servers. */
    public static final class Builder {
        private Path policyFile;
        private String bootstrap;
        private String applicationId;
        private Guarantee guarantee = Guarantee.EXACTLY_ONCE;
        private int threads = 1;
        private Path stateDir = Path.of(".veil", "state");
        private String controlTopic = "veil.control";
        private String quarantineTopic = "veil.quarantine";
        private String alertTopic = "veil.alerts";
        private String auditTopic = "veil.audit";
        private boolean audit = true;
        private dev.veil.core.governance.TrustStore trust = dev.veil.core.governance.TrustStore.empty();
        private dev.veil.core.keys.Identity auditIdentity;
        private final List<dev.veil.core.alert.AlertSink> alertSinks = new ArrayList<>();
        private RecordSampler sampler = RecordSampler.NONE;
        private dev.veil.avro.SchemaSource schemas;
        private dev.veil.protobuf.DescriptorSets descriptors;
        private int alertRate = 30;
        private int replication = 1;
        private boolean createInputs;
        private boolean activateFile;
        private int inputPartitions = 2;
        private Limits limits = Limits.DEFAULT;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> clientConfig = new LinkedHashMap<>();

        private Builder() {
        }

        /** The policy that seeds the control topic; relative key files resolve against its directory. */
        public Builder policy(Path file) {
            this.policyFile = file;
            return this;
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrap = servers;
            return this;
        }

        /** Instances with the same id share the input partitions. Default {@code veil-POLICYNAME}. */
        public Builder applicationId(String id) {
            this.applicationId = id;
            return this;
        }

        public Builder guarantee(Guarantee g) {
            this.guarantee = Objects.requireNonNull(g);
            return this;
        }

        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = n;
            return this;
        }

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder controlTopic(String t) {
            this.controlTopic = t;
            return this;
        }

        public Builder quarantineTopic(String t) {
            this.quarantineTopic = t;
            return this;
        }

        public Builder alertTopic(String t) {
            this.alertTopic = t;
            return this;
        }

        /** The topic each instance writes its signed audit chain to (default veil.audit). */
        public Builder auditTopic(String t) {
            this.auditTopic = t;
            return this;
        }

        /** A further alert sink besides the log and the alert topic, for example a signed webhook. */
        public Builder alertSink(dev.veil.core.alert.AlertSink sink) {
            alertSinks.add(sink);
            return this;
        }

        /**
         * Where Avro streams find their writer schemas and register each segment's output schema (under
         * {@code OUTPUT-TOPIC-value}): a schema registry or a schema directory. Required when a stream is avro.
         */
        public Builder schemas(dev.veil.avro.SchemaSource s) {
            this.schemas = s;
            return this;
        }

        /** Where protobuf streams find their {@code message} types. Required when a stream is protobuf. */
        public Builder descriptors(dev.veil.protobuf.DescriptorSets d) {
            this.descriptors = d;
            return this;
        }

        /** Where raw records masked successfully are offered, for a record viewer (default: nowhere). */
        public Builder sampler(RecordSampler s) {
            this.sampler = s;
            return this;
        }

        /** At most this many alerts of one kind per minute per instance; what is held back is counted (default 30). */
        public Builder alertRate(int perKindPerMinute) {
            if (perKindPerMinute < 1) {
                throw new IllegalArgumentException("the alert rate must allow at least 1 alert per minute");
            }
            this.alertRate = perKindPerMinute;
            return this;
        }

        /** Whether to write the audit trail at all (default true). */
        public Builder audit(boolean on) {
            this.audit = on;
            return this;
        }

        /**
         * The identities whose signatures on grants and consent changes count, with their roles. Default: none, so no
         * grant and no consent change from the control topic has any effect.
         */
        public Builder trust(dev.veil.core.governance.TrustStore t) {
            this.trust = t;
            return this;
        }

        /** The identity that signs this instance's audit checkpoints (default: a fresh key per run, named in the chain). */
        public Builder auditIdentity(dev.veil.core.keys.Identity id) {
            this.auditIdentity = id;
            return this;
        }

        /** Replication factor of the topics Veil creates (1 for a single broker). */
        public Builder replication(int r) {
            this.replication = r;
            return this;
        }

        /** Create missing input topics with {@code partitions} partitions instead of refusing to start (dev mode). */
        public Builder createInputs(int partitions) {
            this.createInputs = true;
            this.inputPartitions = partitions;
            return this;
        }

        /**
         * Make the policy file the active policy at start even when the control topic holds another one (dev mode,
         * or a deliberate roll-out by restart). Without it, the control topic's active policy wins.
         */
        public Builder activateFile(boolean on) {
            this.activateFile = on;
            return this;
        }

        public Builder limits(Limits l) {
            this.limits = Objects.requireNonNull(l);
            return this;
        }

        public Builder registry(MeterRegistry r) {
            this.registry = Objects.requireNonNull(r);
            return this;
        }

        /**
         * Kafka client properties every client of the service uses — admin, producers, consumers, streams: security
         * protocol, SASL and TLS settings of a real cluster. {@code bootstrap.servers} here is ignored.
         */
        public Builder clientConfig(Map<String, String> config) {
            clientConfig.putAll(config);
            clientConfig.remove("bootstrap.servers");
            return this;
        }

        Map<String, String> client() {
            Map<String, String> m = new LinkedHashMap<>(clientConfig);
            m.put("bootstrap.servers", bootstrap);
            return m;
        }

        /** A Kafka Streams (or prefixed client) property, applied last. */
        public Builder streamsProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public VeilService build() {
            Objects.requireNonNull(policyFile, "policy file");
            Objects.requireNonNull(bootstrap, "bootstrap servers");
            if (applicationId == null) {
                String name;
                try {
                    name = PolicyLoader.load(policyFile).name();
                } catch (IOException | PolicyException e) {
                    name = "service"; // start() reports the problem with file and line
                }
                applicationId = "veil-" + name;
            }
            return new VeilService(this);
        }
    }
}
