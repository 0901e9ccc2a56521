package dev.veil.cli;

import picocli.CommandLine.Option;

/** Where the Kafka commands find Kafka, and the names of the service's own topics. */
final class KafkaOptions {
    /** The address {@code veil up} and {@code veil run} give their embedded broker unless told otherwise. */
    static final int DEFAULT_PORT = 9092;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers. Without it, veil run and veil up start an embedded broker;"
                    + " the other commands use 127.0.0.1:" + DEFAULT_PORT + " (where veil up's broker listens).")
    String bootstrap;

    @Option(names = "--control-topic", paramLabel = "TOPIC", defaultValue = "veil.control",
            description = "The compacted topic carrying policy activations (default: ${DEFAULT-VALUE}).")
    String controlTopic;

    /** The bootstrap servers, or the local dev broker's address. */
    String bootstrapOrLocal() {
        return bootstrap != null ? bootstrap : "127.0.0.1:" + DEFAULT_PORT;
    }
}
