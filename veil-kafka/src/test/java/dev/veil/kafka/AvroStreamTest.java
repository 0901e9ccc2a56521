package dev.veil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.avro.AvroWire;
import dev.veil.avro.SchemaDirectory;
import dev.veil.core.engine.Limits;
import dev.veil.core.policy.PolicyLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An avro stream on a real broker: Confluent-framed records in, each segment's view out framed with the id of its
 * own output schema, registered in the schema directory under the output topic's subject; records of unknown
 * schemas and broken ones go to quarantine, sealed.
 */
class AvroStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @TempDir
    static Path kafkaDir;
    @TempDir
    Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start(kafkaDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    static Schema order() throws Exception {
        try (InputStream in = AvroStreamTest.class.getResourceAsStream("/order.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    static byte[] framed(Schema s, int id, int i) throws Exception {
        GenericRecord c = new GenericData.Record(s.getField("customer").schema());
        c.put("email", "buyer" + i + "@example.com");
        c.put("ssn", i % 2 == 0 ? "097-47-" + (1000 + i) : null);
        c.put("loyalty", 700_000L + i);
        GenericRecord p = new GenericData.Record(s.getField("payment").schema());
        p.put("card", "4111 1111 1111 1111");
        p.put("amount", 10.5 + i);
        GenericRecord r = new GenericData.Record(s);
        r.put("order_id", "ord-" + (10_000_000 + i));
        r.put("customer", c);
        r.put("payment", p);
        r.put("note", "call me on +1 415-555-" + (1000 + i));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[5]);
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(s).write(r, e);
        e.flush();
        byte[] b = out.toByteArray();
        AvroWire.confluentHeader(id, b, 0);
        return b;
    }

    /** retail.yaml without consent, reading one avro topic. */
    private Path policy() {
        return Fixtures.policy(dir, t -> t.substring(0, t.indexOf("consent:")) + t.substring(t.indexOf("grants:"),
                t.indexOf("streams:")) + "streams:\n  - input: avro-orders\n    format: avro\n"
                + "    segments: [analytics, support]\n");
    }

    @Test
    void avroRecordsAreMaskedIntoViewsWithTheirOwnRegisteredSchemas() throws Exception {
        Path schemas = Files.createDirectories(dir.resolve("schemas"));
        Schema writer = order();
        Files.writeString(schemas.resolve("1-avro-orders-value.avsc"), writer.toString());
        try (VeilService s = VeilService.builder().bootstrapServers(kafka.bootstrapServers()).policy(policy())
                .applicationId("avro-veil").stateDir(dir.resolve("state")).controlTopic("avro.control")
                .quarantineTopic("avro.quarantine").alertTopic("avro.alerts").createInputs(2)
                .schemas(SchemaDirectory.open(schemas)).build().start()) {
            try (var prod = Topics.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 40; i++) {
                    prod.send(new ProducerRecord<>("avro-orders", ("k" + i).getBytes(StandardCharsets.UTF_8),
                            framed(writer, 1, i)));
                }
                byte[] truncated = framed(writer, 1, 99);
                prod.send(new ProducerRecord<>("avro-orders", java.util.Arrays.copyOf(truncated, truncated.length - 6)));
                prod.send(new ProducerRecord<>("avro-orders", framed(writer, 77, 98))); // an id nobody registered
            }
            List<ConsumerRecord<byte[], byte[]>> analytics = Topics.readAtLeast(kafka.bootstrapServers(),
                    "avro-orders.analytics", 40, WAIT);
            List<ConsumerRecord<byte[], byte[]>> support = Topics.readAtLeast(kafka.bootstrapServers(),
                    "avro-orders.support", 40, WAIT);
            assertThat(analytics).hasSize(40);
            assertThat(support).hasSize(40);
            SchemaDirectory registered = SchemaDirectory.open(schemas);
            assertThat(registered.versions("avro-orders.analytics-value")).hasSize(1);
            assertThat(registered.versions("avro-orders.support-value")).hasSize(1);
            Set<String> emails = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : analytics) {
                int id = AvroWire.confluentId(r.value(), 0, r.value().length);
                assertThat(id).isEqualTo(registered.versions("avro-orders.analytics-value").get(0));
                GenericRecord v = new GenericDatumReader<GenericRecord>(registered.byId(id)).read(null,
                        DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
                GenericRecord c = (GenericRecord) v.get("customer");
                emails.add(c.get("email").toString());
                assertThat(c.get("email").toString()).doesNotContain("@example.com");
                assertThat(c.getSchema().getField("ssn")).isNull(); // analytics drops SSNs: gone from its schema
                assertThat(((GenericRecord) v.get("payment")).get("card").toString()).endsWith("1111")
                        .doesNotContain("4111 1111");
                assertThat(v.get("note").toString()).startsWith("call me on ").doesNotContain("415-555");
                assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain("@example.com")
                        .doesNotContain("097-47");
                assertThat(Topics.text(r.headers().lastHeader(VeilHeaders.SUMMARY).value())).contains("EMAIL:hash:1");
            }
            assertThat(emails).hasSize(40); // hashed, still one per buyer: joins keep working
            for (ConsumerRecord<byte[], byte[]> r : support) {
                assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain("buyer")
                        .doesNotContain("097-47-1");
            }
            List<ConsumerRecord<byte[], byte[]>> q = Topics.readAtLeast(kafka.bootstrapServers(), "avro.quarantine", 2, WAIT);
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : q) {
                reasons.add(Topics.text(r.headers().lastHeader(VeilHeaders.REASON).value()));
            }
            assertThat(reasons).containsExactlyInAnyOrder("TRUNCATED", "UNKNOWN_SCHEMA");
        }
    }

    @Test
    void avroStreamsAreRefusedWhereTheyWouldFailOpen() throws Exception {
        // consent on an avro stream: opt-outs could not be applied, so the policy is refused
        Path withConsent = Fixtures.policy(dir.resolve("c"), t -> t.replace("    format: json\n", "    format: avro\n"));
        assertThatThrownBy(() -> Deployment.compile(PolicyLoader.load(withConsent), Limits.DEFAULT))
                .hasMessageContaining("consent").hasMessageContaining("orders");
        // and an avro stream without schemas to read it is refused before anything starts
        assertThatThrownBy(() -> VeilService.builder().bootstrapServers(kafka.bootstrapServers()).policy(policy())
                .applicationId("avro-none").stateDir(dir.resolve("state2")).controlTopic("avro2.control").build().start())
                .hasMessageContaining("--schema-registry URL or --schema-dir DIR");
    }
}
