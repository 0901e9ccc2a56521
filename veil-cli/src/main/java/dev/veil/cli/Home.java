package dev.veil.cli;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import dev.veil.kafka.ControlPlane;
import dev.veil.kafka.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Veil's local state for governance: identity files ({@code identities/NAME.json}), the trust file
 * ({@code trust.json}), the local grant and consent store ({@code governance.jsonl}) and the local audit log
 * ({@code audit.jsonl}). With {@code --bootstrap}, grants and consent go to the control topic instead of the local
 * store. Mixed into every governance command.
 */
final class Home {
    /** The identity that signs the audit checkpoints Veil writes on this machine. */
    static final String AUDIT_IDENTITY = "veil-audit";

    @Option(names = "--home", paramLabel = "DIR", description = "Veil's local state: identities, trust file, local"
            + " grant and consent store, audit log (default: $VEIL_HOME, else .veil).")
    Path home;

    @ArgGroup(exclusive = false, heading = "Kafka (grants and consent on the control topic instead of the local"
            + " store; veil serve also publishes policy activations there):%n")
    KafkaGroup kafka;

    static final class KafkaGroup {
        @Option(names = {"-b", "--bootstrap"}, required = true, paramLabel = "HOST:PORT[,...]",
                description = "Publish to and read from the control topic of this cluster.")
        String bootstrap;

        @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties (TLS, SASL).")
        Path config;

        @Option(names = "--control-topic", paramLabel = "TOPIC", defaultValue = "veil.control",
                description = "The control topic (default: ${DEFAULT-VALUE}).")
        String controlTopic;

        KafkaOptions options() {
            KafkaOptions k = new KafkaOptions();
            k.bootstrap = bootstrap;
            k.config = config;
            k.controlTopic = controlTopic;
            return k;
        }
    }

    /** Work of a governance command that may fail in the ways these commands share. */
    interface Work {
        int run() throws Exception;
    }

    /**
     * Runs {@code work} and turns each kind of failure into its exit code and a one-line message prefixed with
     * {@code command}: keys and trust 1, usage 2, I/O 3, Kafka 5, anything else 70 (by type only, no message).
     */
    static int guarded(String command, java.io.PrintWriter err, Work work) {
        try {
            return work.run();
        } catch (KeyException e) {
            err.println(command + ": " + e.getMessage());
            return ExitCodes.INVALID_POLICY;
        } catch (KafkaOptions.UsageException e) {
            err.println(command + ": " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (ServiceException e) {
            err.println(command + ": " + e.getMessage());
            return ExitCodes.SERVICE;
        } catch (IOException e) {
            err.println(command + ": " + e.getMessage());
            return ExitCodes.IO;
        } catch (Exception e) {
            err.println(command + ": failed (" + e.getClass().getSimpleName() + ")");
            return ExitCodes.INTERNAL;
        }
    }

    Path dir() {
        if (home != null) {
            return home;
        }
        String env = System.getenv("VEIL_HOME");
        return Path.of(env != null && !env.isBlank() ? env : ".veil");
    }

    Path identityFile(String name) {
        return dir().resolve("identities").resolve(name + ".json");
    }

    Path trustFile() {
        return dir().resolve("trust.json");
    }

    Path storeFile() {
        return dir().resolve("governance.jsonl");
    }

    Path auditFile() {
        return dir().resolve("audit.jsonl");
    }

    boolean onKafka() {
        return kafka != null;
    }

    /** Where records go: "the control topic T on B" or "the local store F". */
    String storeName() {
        return onKafka() ? "control topic " + kafka.controlTopic + " on " + kafka.bootstrap : "local store " + storeFile();
    }

    Identity identity(String name) throws KeyException {
        Path f = identityFile(name);
        if (!Files.exists(f)) {
            throw new KeyException("no identity '" + name + "' in " + dir().resolve("identities")
                    + "; create one with 'veil identity create " + name + " --roles ROLE'");
        }
        return Identity.load(f);
    }

    TrustStore trust() throws KeyException {
        return TrustStore.load(trustFile());
    }

    /**
     * The entries of the audit chains on {@code topic} (the service's audit topic), in topic order. Needs
     * {@code --bootstrap}.
     */
    java.util.List<byte[]> auditTopic(String topic) throws ServiceException, KafkaOptions.UsageException {
        if (!onKafka()) {
            throw new KafkaOptions.UsageException("--topic reads from Kafka: give --bootstrap HOST:PORT too");
        }
        KafkaOptions k = kafka.options();
        return ControlPlane.readAll(k.client(), topic, java.util.List.of(""), java.time.Duration.ofSeconds(60));
    }

    /** Entries as one log: a line each. */
    static byte[] lines(java.util.List<byte[]> entries) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] v : entries) {
            all.writeBytes(v);
            all.write('\n');
        }
        return all.toByteArray();
    }

    /** The records of the local store or the control topic. */
    GovernanceLedger ledger() throws IOException, ServiceException, KafkaOptions.UsageException {
        if (!onKafka()) {
            return GovernanceLedger.read(storeFile());
        }
        GovernanceLedger l = new GovernanceLedger();
        KafkaOptions k = kafka.options();
        for (byte[] v : ControlPlane.readAll(k.client(), k.controlTopic, GovernanceRecord.STORE_KEY_PREFIXES,
                Duration.ofSeconds(30))) {
            try {
                l.add(v);
            } catch (IllegalArgumentException e) {
                // a record this version cannot read has no effect here either
            }
        }
        return l;
    }

    /** Stores a record in the local store or publishes it on the control topic. */
    void publish(GovernanceRecord r, String actor) throws IOException, ServiceException, KafkaOptions.UsageException {
        if (!onKafka()) {
            GovernanceLedger.append(storeFile(), r);
            return;
        }
        KafkaOptions k = kafka.options();
        ControlPlane.publish(k.client(), k.controlTopic, r.storeKey(), r.toJson(), actor);
    }

    /**
     * The local audit log, signed by this machine's audit identity (created, and trusted with the service role, on
     * first use).
     */
    AuditLog audit(Path file) throws IOException, KeyException {
        return AuditLog.openFile(file != null ? file : auditFile(), auditIdentity(), Clock.systemUTC(),
                AuditLog.DEFAULT_CHECKPOINT_EVERY);
    }

    Identity auditIdentity() throws KeyException {
        return ownIdentity(AUDIT_IDENTITY, "service");
    }

    /** An identity this installation keeps for itself: loaded, or on first use created and trusted in {@code role}. */
    Identity ownIdentity(String name, String role) throws KeyException {
        Path f = identityFile(name);
        if (Files.exists(f)) {
            return Identity.load(f);
        }
        Identity id = Identity.generate(name);
        id.save(f);
        trust().with(name, id.publicKeyText(), Set.of(role)).save(trustFile());
        return id;
    }
}
