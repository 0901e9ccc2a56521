package dev.veil.cli;

import dev.veil.core.policy.Policy;
import dev.veil.core.policy.StreamSpec;
import dev.veil.kafka.ServiceException;
import dev.veil.kafka.VeilService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code veil run}: the masking service on Kafka. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Mask Kafka topics in real time: each input topic of the policy's 'streams:' becomes one",
            "masked topic per segment, exactly once. Runs until Ctrl-C or SIGTERM.",
            "Without --bootstrap, starts an embedded single-node Kafka broker with its data under --data-dir.",
            "Instances with the same application id share the partitions: run more to scale out.",
            "Exit 0 on a clean stop, 1 invalid policy, 2 usage, 5 Kafka unreachable or the service failed."})
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE",
            description = "The policy; seeds the control topic when it has no active policy yet.")
    Path policy;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ServiceOptions options;

    @Option(names = "--activate", description = "Make the policy file the active policy even when the control"
            + " topic holds another (otherwise the control topic's active policy runs).")
    boolean activate;

    @Option(names = "--create-inputs", paramLabel = "PARTITIONS",
            description = "Create missing input topics with this many partitions instead of refusing to start"
                    + " (always on with the embedded broker).")
    Integer createInputs;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Policy p = PolicyCommand.load(policy, err);
        if (p == null) {
            return ExitCodes.INVALID_POLICY;
        }
        if (p.streams().isEmpty()) {
            err.println("veil: " + policy + " has no 'streams:'; name the input topics and their segments"
                    + " (docs/policy.md#streams)");
            return ExitCodes.INVALID_POLICY;
        }
        try (ServiceSession session = new ServiceSession()) {
            int rc = options.start(session, kafka, policy, activate, createInputs, out, err);
            if (rc != ExitCodes.OK) {
                return rc;
            }
            Policy running = session.service.current().policy();
            for (StreamSpec s : running.streams()) {
                out.println("  " + s.input() + " -> " + String.join(", ", s.segments().stream()
                        .map(s::outputFor).toList()));
            }
            out.println("Ctrl-C stops the service.");
            out.flush();
            if (session.awaitStop(options.duration(), out, null, null)) {
                err.println(ServiceSession.FAILED);
                return ExitCodes.SERVICE;
            }
        }
        return ExitCodes.OK;
    }

    /** Options {@code veil run} and {@code veil up} share. */
    static final class ServiceOptions {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".veil",
                description = "Where the embedded broker and the service's local state live (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "" + KafkaOptions.DEFAULT_PORT,
                description = "Port of the embedded broker on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
        int kafkaPort;

        @Option(names = "--at-least-once", description = "At-least-once instead of exactly-once processing:"
                + " faster, but a crash may write a record twice.")
        boolean atLeastOnce;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
                description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--application-id", paramLabel = "ID",
                description = "Kafka Streams application id; instances with the same id share the work"
                        + " (default: veil-POLICYNAME).")
        String applicationId;

        @Option(names = "--quarantine-topic", paramLabel = "TOPIC", defaultValue = "veil.quarantine",
                description = "Where records that cannot be masked go, sealed (default: ${DEFAULT-VALUE}).")
        String quarantineTopic;

        @Option(names = "--alert-topic", paramLabel = "TOPIC", defaultValue = "veil.alerts",
                description = "Where the service writes its alerts as JSON (default: ${DEFAULT-VALUE}).")
        String alertTopic;

        @Option(names = "--alert-webhook", paramLabel = "URL", description = "Also POST each alert to URL, signed with"
                + " HMAC-SHA256 in the X-Veil-Signature header (https, or http to a loopback address).")
        String alertWebhook;

        @Option(names = "--alert-webhook-secret", paramLabel = "env:NAME|file:PATH", defaultValue = "env:VEIL_WEBHOOK_SECRET",
                description = "Where the webhook's signing secret is: an environment variable or a file, at least 16"
                        + " bytes (default: ${DEFAULT-VALUE}).")
        String alertWebhookSecret;

        @Option(names = "--schema-registry", paramLabel = "URL", description = "For avro streams: a schema registry"
                + " speaking the Confluent-compatible API (e.g. http://registry:8081, or Apicurio's .../apis/ccompat/v6);"
                + " output schemas are registered under OUTPUT-TOPIC-value.")
        String schemaRegistry;

        @Option(names = "--schema-dir", paramLabel = "DIR", description = "For avro streams without a registry: schemas"
                + " as ID.avsc or ID-SUBJECT.avsc files; output schemas are written there.")
        Path schemaDir;

        @Option(names = "--descriptor-set", paramLabel = "FILE", description = "For protobuf streams: the descriptor set"
                + " (protoc --include_imports --descriptor_set_out=FILE) holding each stream's message type.")
        Path descriptorSet;

        @Option(names = "--alert-rate", paramLabel = "N", defaultValue = "30",
                description = "At most N alerts of one kind per minute per instance; what is held back is counted and"
                        + " reported (default: ${DEFAULT-VALUE}).")
        int alertRate;

        @Option(names = "--audit-topic", paramLabel = "TOPIC", defaultValue = "veil.audit",
                description = "Where each instance writes its signed audit chain (default: ${DEFAULT-VALUE}).")
        String auditTopic;

        @Option(names = "--home", paramLabel = "DIR", description = "Veil's local state: the trust file whose"
                + " identities may sign grants and consent changes, and the audit identity that signs this instance's"
                + " audit chain (default: $VEIL_HOME, else .veil).")
        Path home;

        @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9464",
                description = "Prometheus metrics at http://127.0.0.1:PORT/metrics (default: ${DEFAULT-VALUE};"
                        + " 0: any free port; -1: off).")
        int metricsPort;

        @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
                description = "Replication factor of the topics Veil creates: control, quarantine, alert and"
                        + " segment topics (default: ${DEFAULT-VALUE}, right for one broker; use 3 on a real cluster).")
        short replication;

        @Option(names = "--for", paramLabel = "SECONDS",
                description = "Stop after this many seconds (default: run until Ctrl-C or SIGTERM).")
        Long seconds;

        Duration duration() {
            return seconds == null ? null : Duration.ofSeconds(seconds);
        }

        /** Sinks besides topic and webhook, such as the console's live feed under {@code veil up}. */
        final List<dev.veil.core.alert.AlertSink> extraAlertSinks = new java.util.ArrayList<>();
        /** Where masked raw records are offered for a record viewer, such as the console's under {@code veil up}. */
        dev.veil.kafka.RecordSampler sampler = dev.veil.kafka.RecordSampler.NONE;

        /** Starts broker (when needed), service and metrics into {@code session}; returns an exit code. */
        int start(ServiceSession session, KafkaOptions kafka, Path policy, boolean activate, Integer createInputs,
                  PrintWriter out, PrintWriter err) {
            if (threads < 1 || replication < 1 || alertRate < 1) {
                err.println("veil: --threads, --replication-factor and --alert-rate must be at least 1");
                return ExitCodes.USAGE;
            }
            dev.veil.core.alert.WebhookSink webhook = null;
            if (alertWebhook != null) {
                try {
                    byte[] secret = dev.veil.core.keys.SecretRefs.read(alertWebhookSecret, System::getenv,
                            "webhook secret", "set it, for example to the output of 'openssl rand -hex 32'")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    webhook = dev.veil.core.alert.WebhookSink.create(alertWebhook, secret, Duration.ofSeconds(5),
                            java.time.Clock.systemUTC());
                } catch (dev.veil.core.keys.KeyException | IllegalArgumentException e) {
                    err.println("veil: --alert-webhook: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
            }
            Map<String, String> clientConfig;
            try {
                clientConfig = kafka.clientConfig();
            } catch (KafkaOptions.UsageException e) {
                err.println("veil: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            String bootstrap = kafka.bootstrap;
            try {
                if (bootstrap == null) {
                    bootstrap = session.startBroker(dataDir, kafkaPort);
                    out.println("Kafka       " + bootstrap + " (embedded, data in " + dataDir.resolve("kafka") + ")");
                    out.flush();
                }
            } catch (IOException e) {
                err.println("veil: " + e.getMessage() + "; free the port or pick another with --kafka-port,"
                        + " or point --bootstrap at a running Kafka");
                return ExitCodes.SERVICE;
            }
            VeilService.Builder b = VeilService.builder().policy(policy).bootstrapServers(bootstrap)
                    .guarantee(atLeastOnce ? VeilService.Guarantee.AT_LEAST_ONCE : VeilService.Guarantee.EXACTLY_ONCE)
                    .threads(threads).stateDir(dataDir.resolve("state")).controlTopic(kafka.controlTopic)
                    .quarantineTopic(quarantineTopic).alertTopic(alertTopic).registry(session.registry)
                    .activateFile(activate).clientConfig(clientConfig).replication(replication).auditTopic(auditTopic)
                    .alertRate(alertRate);
            if (webhook != null) {
                b.alertSink(webhook);
            }
            extraAlertSinks.forEach(b::alertSink);
            b.sampler(sampler);
            if (schemaRegistry != null && schemaDir != null) {
                err.println("veil: give --schema-registry or --schema-dir, not both");
                return ExitCodes.USAGE;
            }
            if (schemaRegistry != null) {
                // a registry outage of up to 10 s is ridden out per call before a record is quarantined
                b.schemas(new dev.veil.avro.RetryingSchemaSource(new dev.veil.avro.SchemaRegistry(schemaRegistry,
                        Map.of()), java.time.Duration.ofSeconds(10)));
            } else if (schemaDir != null) {
                try {
                    b.schemas(dev.veil.avro.SchemaDirectory.open(schemaDir));
                } catch (IOException e) {
                    err.println("veil: --schema-dir: " + e.getMessage());
                    return ExitCodes.IO;
                }
            }
            if (descriptorSet != null) {
                try {
                    b.descriptors(dev.veil.protobuf.DescriptorSets.read(descriptorSet));
                } catch (IOException | IllegalArgumentException e) {
                    err.println("veil: --descriptor-set: " + e.getMessage());
                    return ExitCodes.IO;
                }
            }
            Home h = new Home();
            h.home = home;
            try {
                b.trust(h.trust()).auditIdentity(h.auditIdentity());
            } catch (dev.veil.core.keys.KeyException e) {
                err.println("veil: " + e.getMessage());
                return ExitCodes.INVALID_POLICY;
            }
            if (applicationId != null) {
                b.applicationId(applicationId);
            }
            if (createInputs != null) {
                b.createInputs(createInputs);
            } else if (session.broker != null) {
                b.createInputs(2);
            }
            try {
                session.startService(b.build());
            } catch (ServiceException e) {
                err.println("veil: " + e.getMessage());
                return e.policyProblem() ? ExitCodes.INVALID_POLICY : ExitCodes.SERVICE;
            }
            out.println("Policy      " + session.service.current().policy().name() + " "
                    + session.service.current().policy().shortVersion() + " — " + session.service.seedNote());
            out.println("Service     " + session.service.applicationId() + ", "
                    + (atLeastOnce ? "at-least-once" : "exactly-once") + ", " + threads + " thread"
                    + (threads == 1 ? "" : "s") + ", quarantine topic " + quarantineTopic);
            try {
                int port = session.startMetrics(metricsPort);
                if (port >= 0) {
                    out.println("Metrics     http://127.0.0.1:" + port + "/metrics");
                }
            } catch (IOException e) {
                err.println("veil: cannot serve metrics on port " + metricsPort + " (" + e.getMessage()
                        + "); pick another with --metrics-port, or -1 for none");
                return ExitCodes.SERVICE;
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
