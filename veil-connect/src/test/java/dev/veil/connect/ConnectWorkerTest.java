package dev.veil.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformation in a real Kafka Connect standalone worker (connect-runtime, in this JVM) against a real KRaft
 * broker: first behind a source connector emitting Structs, then behind Debezium's PostgreSQL connector reading a
 * real PostgreSQL server's write-ahead log. Every byte the topics hold is checked for the raw values.
 */
class ConnectWorkerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static Connect<StandaloneHerder> connect;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", kafka.bootstrapServers());
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("offset.storage.file.filename", dir.resolve("offsets").toString());
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("plugin.discovery", "only_scan");
        connect = new ConnectStandalone().startConnect(worker);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop();
            connect.awaitStop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static void create(String name, Map<String, String> config) throws Exception {
        CompletableFuture<Herder.Created<ConnectorInfo>> done = new CompletableFuture<>();
        Map<String, String> named = new HashMap<>(config);
        named.put("name", name);
        // the broker does not create topics on first use; Connect's topic creation does, as in production
        named.put("topic.creation.default.replication.factor", "1");
        named.put("topic.creation.default.partitions", "1");
        connect.herder().putConnectorConfig(name, named, false, (error, result) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(result);
            }
        });
        done.get(60, TimeUnit.SECONDS);
    }

    static Map<String, String> veil(String segment) throws Exception {
        return Map.of("transforms", "veil", "transforms.veil.type", Mask.class.getName(),
                "transforms.veil.policy", MaskTest.policy(), "transforms.veil.segment", segment);
    }

    /** Reads {@code topic} from the start until {@code n} records arrived or a minute passed. */
    static List<ConsumerRecord<byte[], byte[]>> read(String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "t-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    static String text(List<ConsumerRecord<byte[], byte[]>> records) {
        StringBuilder b = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() != null) {
                b.append(new String(r.key(), StandardCharsets.UTF_8)).append('\n');
            }
            if (r.value() != null) {
                b.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void aSourceConnectorsStructsReachTheTopicMasked() throws Exception {
        Map<String, String> c = new HashMap<>(veil("analytics"));
        c.put("connector.class", FixtureSource.class.getName());
        c.put("tasks.max", "1");
        c.put("topic", "fixture");
        create("fixture", c);
        List<ConsumerRecord<byte[], byte[]>> records = read("fixture", FixtureSource.RECORDS);
        assertThat(records).hasSize(FixtureSource.RECORDS);
        String all = text(records);
        assertThat(all).doesNotContain("ana.lima").doesNotContain(MaskTest.CARD).doesNotContain("536-22-8142")
                .doesNotContain("Ana Lima").doesNotContain("4155550123");
        JsonNode v = JSON.readTree(records.get(0).value());
        assertThat(v.at("/payload/email").asText()).isEqualTo("a**.****@example.com");
        assertThat(v.at("/payload/phone").asText()).endsWith("23");
        assertThat(v.at("/payload").has("ssn")).isFalse();
        // the schema the topic carries is the masked one: phone became a string, ssn is gone
        assertThat(v.at("/schema/fields").toString()).doesNotContain("\"ssn\"");
    }

    @Test
    void debeziumChangeEventsFromPostgresqlOnlyEverReachTheTopicMasked() throws Exception {
        try (Postgres pg = Postgres.start()) {
            try (Connection db = pg.connect(); Statement s = db.createStatement()) {
                s.execute("CREATE TABLE customers (id serial PRIMARY KEY, full_name text, email text, phone text,"
                        + " ssn text, note text)");
                s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
                s.execute("INSERT INTO customers (full_name, email, phone, ssn, note) VALUES"
                        + " ('Ana Lima', 'ana.lima@example.com', '+1 415 555 0123', '536-22-8142',"
                        + " 'prefers mail to ana.lima@example.com')");
            }
            Map<String, String> c = new HashMap<>(veil("analytics"));
            c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            c.put("tasks.max", "1");
            c.put("plugin.name", "pgoutput");
            c.put("database.hostname", "127.0.0.1");
            c.put("database.port", String.valueOf(pg.port));
            c.put("database.user", "veil");
            c.put("database.password", "");
            c.put("database.dbname", "postgres");
            c.put("topic.prefix", "cdc");
            c.put("table.include.list", "public.customers");
            c.put("slot.name", "veil_test");
            c.put("publication.autocreate.mode", "filtered");
            c.put("snapshot.mode", "initial");
            create("pg", c);
            // the snapshot's row first, then rows and an update streamed from the write-ahead log
            List<ConsumerRecord<byte[], byte[]>> snap = read("cdc.public.customers", 1);
            assertThat(snap).hasSize(1);
            try (Connection db = pg.connect(); Statement s = db.createStatement()) {
                s.execute("INSERT INTO customers (full_name, email, phone, ssn, note) VALUES"
                        + " ('Kwame Mensah', 'kwame.mensah@example.org', '+44 20 7946 0958', '078-05-1120',"
                        + " 'card on file 4111 1111 1111 1111')");
                s.execute("UPDATE customers SET email = 'ana.new@example.net' WHERE full_name = 'Ana Lima'");
            }
            List<ConsumerRecord<byte[], byte[]>> all = read("cdc.public.customers", 3);
            assertThat(all).hasSize(3);
            String text = text(all);
            for (String raw : List.of("ana.lima", "Ana Lima", "Kwame", "Mensah", "kwame.mensah", "ana.new",
                    "415 555 0123", "7946 0958", "536-22-8142", "078-05-1120", "4111 1111 1111 1111")) {
                assertThat(text).as("the topic must never hold %s", raw).doesNotContain(raw);
            }
            JsonNode update = JSON.readTree(all.get(2).value()).get("payload");
            assertThat(update.get("op").asText()).isEqualTo("u");
            assertThat(update.at("/before/email").asText()).isEqualTo("a**.****@example.com");
            assertThat(update.at("/after/email").asText()).isEqualTo("a**.***@example.net");
            assertThat(update.at("/after").has("ssn")).isFalse();
            assertThat(update.at("/after/note").asText()).startsWith("prefers mail to ");
            assertThat(update.at("/source/table").asText()).isEqualTo("customers");
            JsonNode insert = JSON.readTree(all.get(1).value()).get("payload");
            assertThat(insert.at("/after/note").asText()).startsWith("card on file ").endsWith("1111");
            connect.herder().deleteConnectorConfig("pg", (e, r) -> { });
        }
    }
}
