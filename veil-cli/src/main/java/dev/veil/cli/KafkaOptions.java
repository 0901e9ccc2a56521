package dev.veil.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where the Kafka commands find Kafka, how they connect, and the name of the control topic. */
final class KafkaOptions {
    /** The address {@code veil up} and {@code veil run} give their embedded broker unless told otherwise. */
    static final int DEFAULT_PORT = 9092;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers. Without it, veil run and veil up start an embedded broker;"
                    + " the other commands use 127.0.0.1:" + DEFAULT_PORT + " (where veil up's broker listens).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties for every client Veil opens (security.protocol, sasl.*,"
                    + " ssl.*), as for Kafka's own tools.")
    Path config;

    @Option(names = "--control-topic", paramLabel = "TOPIC", defaultValue = "veil.control",
            description = "The compacted topic carrying policy activations (default: ${DEFAULT-VALUE}).")
    String controlTopic;

    /** The bootstrap servers, or the local dev broker's address. */
    String bootstrapOrLocal() {
        return bootstrap != null ? bootstrap : "127.0.0.1:" + DEFAULT_PORT;
    }

    /** The client properties of {@code --kafka-config} (empty without it), without bootstrap.servers. */
    Map<String, String> clientConfig() throws UsageException {
        Map<String, String> m = new LinkedHashMap<>();
        if (config == null) {
            return m;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new UsageException("--kafka-config " + config + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read --kafka-config " + config + ": " + e.getClass().getSimpleName());
        }
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        m.remove("bootstrap.servers");
        return m;
    }

    /** Client properties including {@code bootstrap.servers} (the local dev broker's when none is given). */
    Map<String, String> client() throws UsageException {
        Map<String, String> m = clientConfig();
        m.put("bootstrap.servers", bootstrapOrLocal());
        return m;
    }

    /** A command-line mistake; the message says what to fix. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
