package dev.veil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import dev.veil.protobuf.DescriptorSets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protobuf, CSV and logfmt streams on a real broker, through the same service as JSON: views masked, broken records
 * quarantined, and fields the policy does not name raise undeclared-PII and undeclared-field alerts.
 */
class FormatsStreamTest {
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

    static DescriptorSets shop() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("shop.proto").setPackage("acme.shop")
                .setSyntax("proto3").addMessageType(DescriptorProto.newBuilder().setName("Customer")
                        .addField(field("email", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("ssn", 2, FieldDescriptorProto.Type.TYPE_STRING)))
                .addMessageType(DescriptorProto.newBuilder().setName("Order")
                        .addField(field("order_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("customer", 2, FieldDescriptorProto.Type.TYPE_MESSAGE)
                                .setTypeName(".acme.shop.Customer"))
                        .addField(field("note", 3, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("contact_phone", 4, FieldDescriptorProto.Type.TYPE_STRING)))
                .build();
        return DescriptorSets.of(FileDescriptorSet.newBuilder().addFile(file).build());
    }

    private static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    }

    /** retail.yaml without consent, reading a protobuf, a csv and a logfmt topic. */
    private Path policy() {
        return Fixtures.policy(dir, t -> t.substring(0, t.indexOf("consent:")) + t.substring(t.indexOf("grants:"),
                t.indexOf("streams:")) + """
                streams:
                  - input: pb-orders
                    format: protobuf
                    message: acme.shop.Order
                    segments: [analytics]
                  - input: csv-orders
                    format: csv
                    columns: [order_id, customer.email, customer.ssn, note]
                    segments: [analytics]
                  - input: app-logs
                    format: text
                    layout: logfmt
                    segments: [analytics]
                """);
    }

    @Test
    void protobufCsvAndLogfmtStreamsAreMasked() throws Exception {
        DescriptorSets set = shop();
        Descriptors.Descriptor order = set.message("acme.shop.Order");
        Descriptors.Descriptor customer = order.findFieldByName("customer").getMessageType();
        try (VeilService s = VeilService.builder().bootstrapServers(kafka.bootstrapServers()).policy(policy())
                .applicationId("fmt-veil").stateDir(dir.resolve("state")).controlTopic("fmt.control")
                .quarantineTopic("fmt.quarantine").alertTopic("fmt.alerts").createInputs(2)
                .descriptors(set).build().start()) {
            try (var prod = Topics.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 10; i++) {
                    DynamicMessage m = DynamicMessage.newBuilder(order)
                            .setField(order.findFieldByName("order_id"), "ord-" + i)
                            .setField(order.findFieldByName("customer"), DynamicMessage.newBuilder(customer)
                                    .setField(customer.findFieldByName("email"), "buyer" + i + "@example.com")
                                    .setField(customer.findFieldByName("ssn"), "097-47-" + (1000 + i)).build())
                            .setField(order.findFieldByName("note"), "call me on +1 415-555-" + (1000 + i))
                            .setField(order.findFieldByName("contact_phone"), "+1 415-555-0100")
                            // a field of a newer schema version: unknown to the descriptor set
                            .setUnknownFields(UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(ByteString.copyFromUtf8("new.field@example.com")).build()).build())
                            .build();
                    prod.send(new ProducerRecord<>("pb-orders", m.toByteArray()));
                    prod.send(new ProducerRecord<>("csv-orders", ("ord-" + i + ",buyer" + i + "@example.com,097-47-"
                            + (1000 + i) + ",\"call me at +1 415-555-" + (1000 + i) + "\"").getBytes(StandardCharsets.UTF_8)));
                    prod.send(new ProducerRecord<>("app-logs", ("level=info customer.email=buyer" + i
                            + "@example.com msg=\"paid with 4111 1111 1111 1111\" order_id=ord-" + i)
                            .getBytes(StandardCharsets.UTF_8)));
                }
                prod.send(new ProducerRecord<>("csv-orders", "ord-x,only-two".getBytes(StandardCharsets.UTF_8)));
                prod.send(new ProducerRecord<>("pb-orders", new byte[] {0x0a, 0x7f, 0x01}));
            }
            List<ConsumerRecord<byte[], byte[]>> pb = Topics.readAtLeast(kafka.bootstrapServers(), "pb-orders.analytics",
                    10, WAIT);
            assertThat(pb).hasSize(10);
            for (ConsumerRecord<byte[], byte[]> r : pb) {
                String raw = new String(r.value(), StandardCharsets.ISO_8859_1);
                assertThat(raw).doesNotContain("@example.com").doesNotContain("097-47").doesNotContain("415-555");
                DynamicMessage m = DynamicMessage.parseFrom(order, r.value());
                assertThat((String) m.getField(order.findFieldByName("order_id"))).startsWith("ord-");
                assertThat(m.getUnknownFields().asMap()).isEmpty();
            }
            List<ConsumerRecord<byte[], byte[]>> csv = Topics.readAtLeast(kafka.bootstrapServers(),
                    "csv-orders.analytics", 10, WAIT);
            assertThat(csv).hasSize(10);
            for (ConsumerRecord<byte[], byte[]> r : csv) {
                String row = Topics.text(r.value());
                assertThat(row).startsWith("ord-").doesNotContain("@example.com").doesNotContain("097-47")
                        .doesNotContain("415-555");
                assertThat(row.split(",", -1)).hasSize(3); // analytics drops the SSN column
            }
            List<ConsumerRecord<byte[], byte[]>> logs = Topics.readAtLeast(kafka.bootstrapServers(), "app-logs.analytics",
                    10, WAIT);
            assertThat(logs).hasSize(10);
            for (ConsumerRecord<byte[], byte[]> r : logs) {
                assertThat(Topics.text(r.value())).startsWith("level=info customer.email=").contains(" order_id=ord-")
                        .doesNotContain("@example.com").doesNotContain("4111 1111 1111");
            }
            List<ConsumerRecord<byte[], byte[]>> q = Topics.readAtLeast(kafka.bootstrapServers(), "fmt.quarantine", 2, WAIT);
            assertThat(q.stream().map(r -> Topics.text(r.headers().lastHeader(VeilHeaders.REASON).value())))
                    .containsExactlyInAnyOrder("MALFORMED", "TRUNCATED");
            List<ConsumerRecord<byte[], byte[]>> alerts = Topics.readAtLeast(kafka.bootstrapServers(), "fmt.alerts", 2,
                    WAIT);
            String all = String.join("\n", alerts.stream().map(r -> Topics.text(r.value())).toList());
            assertThat(all).contains("undeclared-field").contains("acme.shop.Order")
                    .contains("undeclared-pii").contains("contact_phone");
            assertThat(all).doesNotContain("new.field@example.com").doesNotContain("415-555");
        }
    }

    @Test
    void aProtobufStreamWithoutItsDescriptorSetIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> VeilService.builder().bootstrapServers(kafka.bootstrapServers()).policy(policy())
                .applicationId("fmt-none").stateDir(dir.resolve("state2")).controlTopic("fmt2.control").build().start())
                .hasMessageContaining("--descriptor-set FILE");
    }

    @Test
    void aPolicyWhoseStreamsCannotBeMaskedHereIsRefusedBeforeItIsAdopted() throws Exception {
        // what the control plane runs for every activation: a missing type is refused, not failed in the threads
        Path bad = Fixtures.policy(dir.resolve("bad"), t -> t.substring(0, t.indexOf("consent:"))
                + t.substring(t.indexOf("grants:"), t.indexOf("streams:")) + """
                streams:
                  - input: pb-orders
                    format: protobuf
                    message: acme.shop.Missing
                """);
        Deployment d = Deployment.compile(dev.veil.core.policy.PolicyLoader.load(bad), dev.veil.core.engine.Limits.DEFAULT);
        Codecs codecs = new Codecs(null, shop());
        assertThatThrownBy(() -> codecs.verify(d)).isInstanceOf(dev.veil.core.engine.PlanException.class)
                .hasMessageContaining("acme.shop.Missing").hasMessageContaining("pb-orders");
        assertThatThrownBy(() -> new Codecs(null, null).verify(d)).hasMessageContaining("--descriptor-set FILE");
    }
}
