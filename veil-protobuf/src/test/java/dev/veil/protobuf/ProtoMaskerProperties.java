package dev.veil.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Laws of protobuf masking over generated messages: every view parses with its segment's output type and is the same
 * on every run, unclassified fields arrive unchanged, and a plan that keeps everything returns the input byte for byte.
 */
class ProtoMaskerProperties {
    static Path dir;
    static Descriptors.Descriptor order;
    static Plan plan;
    static Plan keepAll;

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-protobuf-props");
        order = ProtoFixtures.orders(dir).message("acme.shop.Order");
        plan = ProtoFixtures.plan(dir);
        Path open = Files.writeString(dir.resolve("open.yaml"), """
                veil: 1
                name: open
                classes:
                  EMPLOYEE_ID: {pattern: 'EMP-[0-9]{6}', validator: none, score: 0.9}
                scan: {strings: none}
                segments:
                  everyone:
                    actions:
                      default: keep
                """);
        Policy p = PolicyLoader.load(open);
        keepAll = Plan.compile(p, List.of("everyone"), KeyRing.of(p.keys()), Limits.DEFAULT);
    }

    @AfterContainer
    static void tearDown() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().all().ofMaxLength(40)
                .filter(s -> s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE));
    }

    @Property(tries = 200)
    void everyViewParsesDeterministically(@ForAll("text") String email, @ForAll("text") String note,
                                          @ForAll("text") String id) throws Exception {
        DynamicMessage msg = ProtoFixtures.order(order, email, null, note).toBuilder()
                .setField(order.findFieldByName("order_id"), id).build();
        byte[] in = msg.toByteArray();
        ProtoMasker m = ProtoMasker.compile(plan, order);
        Views v = m.mask(in, 0, in.length);
        byte[][] first = new byte[3][];
        for (int s = 0; s < 3; s++) {
            first[s] = v.toBytes(s);
            DynamicMessage out = ProtoFixtures.read(m.outputDescriptor(s), v.array(s), v.offset(s), v.length(s));
            // order_id is NONE by rule: never scanned, never changed
            assertThat(out.getField(out.getDescriptorForType().findFieldByName("order_id"))).isEqualTo(id);
            assertThat(out.getField(out.getDescriptorForType().findFieldByName("amount"))).isEqualTo(45.36);
        }
        Views again = m.mask(in, 0, in.length);
        for (int s = 0; s < 3; s++) {
            assertThat(again.toBytes(s)).isEqualTo(first[s]);
        }
    }

    @Property(tries = 200)
    void aPlanThatKeepsEverythingReturnsTheInputByteForByte(@ForAll("text") String email, @ForAll("text") String note)
            throws Exception {
        byte[] in = ProtoFixtures.order(order, email, "078-05-1120", note).toByteArray();
        ProtoMasker m = ProtoMasker.compile(keepAll, order);
        Views v = m.mask(in, 0, in.length);
        assertThat(Arrays.equals(v.array(0), v.offset(0), v.offset(0) + v.length(0), in, 0, in.length)).isTrue();
    }
}
