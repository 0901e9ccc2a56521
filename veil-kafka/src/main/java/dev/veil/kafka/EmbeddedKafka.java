package dev.veil.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker and controller in one) running inside this JVM, from the Kafka artifacts:
 * dev mode and integration tests need nothing installed. Data lives under one directory; a restart on the same
 * directory keeps the cluster id, the topics and the committed offsets.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats {@code dir} if needed and starts a broker on {@code port} (0: any free port) of 127.0.0.1.
     *
     * @throws IOException when the directory cannot be used or the port is taken
     */
    public static EmbeddedKafka start(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        int p = port == 0 ? freePort() : port;
        EmbeddedKafka k = new EmbeddedKafka(dir.toAbsolutePath(), p, freePort());
        k.startServer();
        return k;
    }

    /** The address clients use ({@code 127.0.0.1:port}). */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dir;
    }

    /** Stops the broker and starts it again on the same ports and data: a broker restart, for fault tests. */
    public synchronized void restart() throws IOException {
        stopServer();
        startServer();
    }

    /** Stops the broker; {@link #restart} brings it back. */
    public synchronized void stop() {
        stopServer();
    }

    /** Starts a stopped broker again on the same ports and data. */
    public synchronized void resume() throws IOException {
        if (server == null) {
            startServer();
        }
    }

    @Override
    public synchronized void close() {
        stopServer();
    }

    private synchronized void startServer() throws IOException {
        Properties p = config();
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        Path logs = dir.resolve("logs");
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(logs);
        }
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException ignored) {
                // already failing: report the start error
            }
            throw new IOException("cannot start the embedded Kafka broker on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
        server = s;
    }

    /** Formats a fresh data directory: a new cluster id; a formatted one keeps its id across restarts. */
    private void format(Path logs) throws IOException {
        Formatter f = new Formatter()
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logs.toString())
                .setMetadataLogDirectory(logs.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setIgnoreFormatted(true)
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()));
        try {
            f.run();
        } catch (Exception e) {
            throw new IOException("cannot format the Kafka data directory " + logs + ": " + e.getMessage(), e);
        }
    }

    private void stopServer() {
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
        }
    }

    private Properties config() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly by Veil; a typo in a consumer must not create one.
        p.put("auto.create.topics.enable", "false");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        return p;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
