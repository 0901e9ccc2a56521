package dev.veil.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.engine.Limits;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.Sealer;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology on Kafka Streams' test driver: fast checks of what each record turns into. */
class MaskTopologyTest {
    @TempDir
    Path dir;

    private final AtomicReference<Deployment> current = new AtomicReference<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> orders;
    private TestOutputTopic<byte[], byte[]> analytics;
    private TestOutputTopic<byte[], byte[]> support;
    private TestOutputTopic<byte[], byte[]> quarantine;
    private Policy policy;

    @BeforeEach
    void start() throws Exception {
        start(Fixtures.policy(dir));
    }

    private void start(Path policyFile) throws Exception {
        start(policyFile, MaskProcessor.DEFAULT_MAX_OUTPUT_BYTES);
    }

    private void start(Path policyFile, int maxOutputBytes) throws Exception {
        policy = PolicyLoader.load(policyFile);
        Deployment d = Deployment.compile(policy, Limits.DEFAULT);
        current.set(d);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "veil-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(MaskTopology.build(d, current::get, "veil.quarantine", registry, maxOutputBytes), p);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        orders = driver.createInputTopic("orders", ser, ser);
        analytics = driver.createOutputTopic("orders.analytics", de, de);
        support = driver.createOutputTopic("orders.support", de, de);
        quarantine = driver.createOutputTopic("veil.quarantine", de, de);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : text(h.value());
    }

    @Test
    void eachSegmentGetsItsViewWithKeyTimestampAndHeadersKept() {
        String event = Fixtures.events().get(0);
        RecordHeaders in = new RecordHeaders();
        in.add("traceparent", utf8("00-abc-01"));
        in.add("veil-policy", utf8("forged")); // a producer must not be able to pose as Veil
        Instant ts = Instant.parse("2026-11-24T10:00:00Z");
        orders.pipeInput(new TestRecord<>(utf8("c-050631"), utf8(event), in, ts));

        TestRecord<byte[], byte[]> a = analytics.readRecord();
        TestRecord<byte[], byte[]> s = support.readRecord();
        for (TestRecord<byte[], byte[]> r : List.of(a, s)) {
            assertThat(text(r.key())).isEqualTo("c-050631");
            assertThat(r.getRecordTime()).isEqualTo(ts);
            assertThat(header(r, "traceparent")).isEqualTo("00-abc-01");
            assertThat(r.headers().headers("veil-policy")).hasSize(1);
            assertThat(header(r, "veil-policy")).isEqualTo(policy.shortVersion());
            String view = text(r.value());
            for (String raw : List.of("lukas.tanaka50@corp.example.org", "4111 1111 1111 1111", "097-47-9549",
                    "Lukas Tanaka", "+1 415-555-8779")) {
                assertThat(view).doesNotContain(raw);
            }
            assertThat(view).contains("\"order_id\":\"ord-00000000\"");
        }
        assertThat(text(a.value())).doesNotContain("\"ssn\""); // analytics drops SSNs
        assertThat(text(s.value())).contains("\"ssn\":\"***-**-9549\"");
        assertThat(header(a, "veil-mask")).contains("EMAIL:hash:1").contains("US_SSN:drop:1")
                .contains("CREDIT_CARD:mask:1");
        assertThat(header(s, "veil-mask")).contains("EMAIL:mask:1").contains("US_SSN:mask:1");
        assertThat(header(a, "veil-mask") + header(s, "veil-mask")).doesNotContain("lukas").doesNotContain("4111");
        assertThat(quarantine.isEmpty()).isTrue();
        assertThat(registry.get("veil.records.out").tag("stream", "orders").tag("segment", "analytics").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aViewOverTheOutputLimitQuarantinesTheRecordInsteadOfFailingTheProducer() throws Exception {
        driver.close();
        start(Fixtures.policy(dir.resolve("small")), 400);
        String big = "{\"order_id\":\"ord-1\",\"note\":\"" + "x".repeat(600) + "\",\"customer\":{\"email\":\"big.one@example.com\"}}";
        orders.pipeInput(utf8("k"), utf8(big));
        orders.pipeInput(utf8("k"), utf8("{\"order_id\":\"ord-2\"}"));
        assertThat(analytics.readValuesToList()).hasSize(1); // the next record flows
        TestRecord<byte[], byte[]> q = quarantine.readRecord();
        assertThat(header(q, "veil-reason")).isEqualTo("TOO_LARGE");
        assertThat(header(q, "veil-sealed")).isEqualTo("none:too-large");
        assertThat(q.value()).isNull();
        assertThat(header(q, "veil-error")).doesNotContain("big.one");
    }

    @Test
    void unparsableRecordGoesSealedToQuarantineAndToNoSegment() throws Exception {
        String poison = "{\"customer\":{\"email\":\"leak.me@example.com\",\"ssn\":\"123-45-6789\""; // truncated
        orders.pipeInput(utf8("k1"), utf8(poison));

        assertThat(analytics.isEmpty()).isTrue();
        assertThat(support.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> q = quarantine.readRecord();
        assertThat(header(q, "veil-reason")).isEqualTo("TRUNCATED");
        assertThat(header(q, "veil-source")).isEqualTo("orders/0/0");
        assertThat(header(q, "veil-sealed")).isEqualTo("aes-gcm:quarantine");
        StringBuilder all = new StringBuilder(text(q.value())).append(text(q.key()));
        for (Header h : q.headers()) {
            all.append(text(h.value()));
        }
        assertThat(all.toString()).doesNotContain("leak.me").doesNotContain("123-45-6789");

        Sealer sealer = KeyRing.of(policy.keys()).sealer("quarantine");
        assertThat(text(Quarantines.open(sealer, q.value(), "orders/0/0", "value"))).isEqualTo(poison);
        assertThat(text(Quarantines.open(sealer, q.key(), "orders/0/0", "key"))).isEqualTo("k1");
        assertThat(registry.get("veil.records.quarantined").tag("stream", "orders").tag("reason", "TRUNCATED").counter().count()).isEqualTo(1.0);
    }

    @Test
    void everyKindOfBadRecordIsQuarantinedAndTheStreamGoesOn() {
        List<byte[]> bad = List.of(utf8("not json"), new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'},
                utf8("[".repeat(10_000)), utf8("{\"a\":1}{\"b\":2}"));
        for (byte[] b : bad) {
            orders.pipeInput(utf8("k"), b);
        }
        orders.pipeInput(utf8("k"), utf8(Fixtures.events().get(0)));
        assertThat(quarantine.readRecordsToList()).hasSize(bad.size());
        assertThat(analytics.readRecordsToList()).hasSize(1);
        assertThat(support.readRecordsToList()).hasSize(1);
    }

    @Test
    void tombstonesReachEverySegment() {
        orders.pipeInput(utf8("k"), (byte[]) null);
        TestRecord<byte[], byte[]> a = analytics.readRecord();
        assertThat(a.value()).isNull();
        assertThat(text(a.key())).isEqualTo("k");
        assertThat(support.readRecord().value()).isNull();
    }

    @Test
    void aSwappedDeploymentMasksTheNextRecord() throws Exception {
        orders.pipeInput(utf8("k"), utf8(Fixtures.events().get(0)));
        assertThat(text(analytics.readRecord().value())).contains("\"phone\":\"[PHONE]\"");

        Path other = Fixtures.policy(dir.resolve("v2"), t -> t.replace("      default: redact\n  support:",
                "      PHONE: nullify\n      default: redact\n  support:"));
        Policy p2 = PolicyLoader.load(other);
        current.set(Deployment.compile(p2, Limits.DEFAULT));
        orders.pipeInput(utf8("k"), utf8(Fixtures.events().get(0)));
        TestRecord<byte[], byte[]> r = analytics.readRecord();
        assertThat(text(r.value())).contains("\"phone\":null");
        assertThat(header(r, "veil-policy")).isEqualTo(p2.shortVersion()).isNotEqualTo(policy.shortVersion());
    }

    @Test
    void aSegmentWithDropRecordGetsNothing() throws Exception {
        driver.close();
        start(Fixtures.policy(dir.resolve("dr"), t -> t.replace("      US_SSN: drop\n", "      US_SSN: drop-record\n")));
        orders.pipeInput(utf8("k"), utf8(Fixtures.events().get(0)));
        assertThat(analytics.isEmpty()).isTrue();
        assertThat(support.readRecord()).isNotNull();
        assertThat(registry.get("veil.records.dropped").tag("stream", "orders").tag("segment", "analytics").counter().count()).isEqualTo(1.0);
    }
}
