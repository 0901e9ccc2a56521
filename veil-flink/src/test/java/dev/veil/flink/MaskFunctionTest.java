package dev.veil.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator on Flink's MiniCluster with parallelism 2: every record masked once per segment, bad ones quarantined. */
class MaskFunctionTest {
    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    static String policy() throws Exception {
        return Paths.get(MaskFunctionTest.class.getResource("/policy.yaml").toURI()).toString();
    }

    static List<String> run(List<byte[]> input, MaskFunction f) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        DataStream<byte[]> in = env.fromData(input, org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .rebalance();
        VeilFlink.Masked m = VeilFlink.mask(in, f);
        DataStream<String> tagged = null;
        for (String s : f.segments()) {
            DataStream<String> t = m.segment(s).map(b -> s + "|" + new String(b, StandardCharsets.UTF_8))
                    .returns(Types.STRING);
            tagged = tagged == null ? t : tagged.union(t);
        }
        tagged = tagged.union(m.quarantine().map(q -> "quarantine|" + q.reason + "|" + q.detail).returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = tagged.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static byte[] json(int i) {
        return ("{\"id\":" + i + ",\"email\":\"user" + i + "@example.com\",\"ssn\":\"536-22-8142\","
                + "\"note\":\"card 4111 1111 1111 1111\",\"phone\":\"+1 415 555 0123\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyRecordIsMaskedOncePerSegmentAcrossParallelInstances() throws Exception {
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            input.add(json(i));
        }
        input.add("{\"id\":1,\"email\":".getBytes(StandardCharsets.UTF_8)); // truncated
        input.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}); // invalid UTF-8
        input.add("{\"id\":2,\"api_key\":\"k-1\"}".getBytes(StandardCharsets.UTF_8)); // SECRET: drop-record
        List<String> out = run(input, MaskFunction.builder(policy()).segments("analytics", "nulls").build());

        List<String> analytics = out.stream().filter(s -> s.startsWith("analytics|")).toList();
        List<String> nulls = out.stream().filter(s -> s.startsWith("nulls|")).toList();
        List<String> quarantine = out.stream().filter(s -> s.startsWith("quarantine|")).toList();
        assertThat(analytics).hasSize(200); // the api_key record is dropped for analytics
        assertThat(nulls).hasSize(201);
        assertThat(quarantine).hasSize(2).allSatisfy(q -> assertThat(q).doesNotContain("email"));
        assertThat(String.join("\n", out)).doesNotContain("\"user").doesNotContain("536-22-8142")
                .doesNotContain("4111 1111 1111 1111").doesNotContain("415 555 0123").doesNotContain("k-1");
        assertThat(analytics).anySatisfy(s -> assertThat(s).contains("\"email\":\"u*****@example.com\"")
                .contains("\"note\":\"card **** **** **** 1111\"").doesNotContain("ssn"));
        assertThat(nulls).anySatisfy(s -> assertThat(s).contains("\"email\":null"));
        // one view per input record and segment, whichever instance masked it
        assertThat(analytics.stream().map(s -> s.replaceAll(".*\"id\":(\\d+).*", "$1")).distinct()).hasSize(200);
    }

    @Test
    void csvAndTextLinesUseTheSameEngine() throws Exception {
        List<byte[]> rows = List.of("1,ana@example.com,4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8),
                "2,bo@example.org".getBytes(StandardCharsets.UTF_8));
        List<String> out = run(rows, MaskFunction.builder(policy()).segments("analytics")
                .csv(',', "id", "email", "card").build());
        assertThat(out).containsExactlyInAnyOrder("analytics|1,a**@example.com,**** **** **** 1111",
                "quarantine|MALFORMED|row has 2 cells; there are 3 columns");

        List<String> text = run(List.of("login by ana@example.com failed".getBytes(StandardCharsets.UTF_8)),
                MaskFunction.builder(policy()).segments("analytics").text("plain").build());
        assertThat(text).containsExactly("analytics|login by a**@example.com failed");
    }

    @Test
    void aBadPolicyOrSegmentFailsWhenTheJobIsBuilt() {
        assertThatThrownBy(() -> MaskFunction.builder("/nonexistent/policy.yaml").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/nonexistent/policy.yaml");
        assertThatThrownBy(() -> MaskFunction.builder(policy()).segments("nope").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no segment 'nope'");
    }
}
