package dev.veil.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages built by protobuf-java, masked at the wire level, and parsed back with each segment's derived type. */
class ProtoMaskerTest {
    static final int ANALYTICS = 0;
    static final int SUPPORT = 1;
    static final int ML = 2;

    @TempDir
    static Path dir;
    static DescriptorSets set;
    static Descriptors.Descriptor order;
    static Plan plan;

    @BeforeAll
    static void setUp() throws Exception {
        set = ProtoFixtures.orders(dir);
        order = set.message("acme.shop.Order");
        plan = ProtoFixtures.plan(dir);
    }

    static DynamicMessage view(ProtoMasker m, Views v, int s) throws Exception {
        assertThat(v.dropped(s)).isFalse();
        return ProtoFixtures.read(m.outputDescriptor(s), v.array(s), v.offset(s), v.length(s));
    }

    static Object get(DynamicMessage m, String path) {
        Object v = m;
        for (String p : path.split("\\.")) {
            DynamicMessage d = (DynamicMessage) v;
            v = d.getField(d.getDescriptorForType().findFieldByName(p));
        }
        return v;
    }

    static boolean has(DynamicMessage m, String path) {
        String[] p = path.split("\\.");
        DynamicMessage d = m;
        for (int i = 0; i < p.length - 1; i++) {
            d = (DynamicMessage) d.getField(d.getDescriptorForType().findFieldByName(p[i]));
        }
        Descriptors.FieldDescriptor f = d.getDescriptorForType().findFieldByName(p[p.length - 1]);
        return f != null && (f.isRepeated() ? d.getRepeatedFieldCount(f) > 0 : d.hasField(f));
    }

    static Map<String, String> tags(DynamicMessage m) {
        Map<String, String> t = new TreeMap<>();
        Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByName("tags");
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
            DynamicMessage e = (DynamicMessage) m.getRepeatedField(f, i);
            t.put((String) e.getField(e.getDescriptorForType().findFieldByName("key")),
                    (String) e.getField(e.getDescriptorForType().findFieldByName("value")));
        }
        return t;
    }

    @Test
    void eachSegmentParsesItsViewWithItsOwnType() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        byte[] in = ProtoFixtures.order(order, "lukas.tanaka50@corp.example.org", null,
                "Call me at +44 20 7946 9469 before delivery").toByteArray();
        Views v = m.mask(in, 0, in.length);

        DynamicMessage a = view(m, v, ANALYTICS);
        assertThat((String) get(a, "customer.email")).isNotEmpty().doesNotContain("lukas").doesNotContain("@corp");
        assertThat((String) get(a, "customer.name")).doesNotContain("Lukas");
        // the annotated int64 (veil.pii_class = EMPLOYEE_ID) is redacted, so it is a string now
        assertThat(a.getDescriptorForType().findFieldByName("customer").getMessageType().findFieldByName("loyalty")
                .getType()).isEqualTo(Descriptors.FieldDescriptor.Type.STRING);
        assertThat((String) get(a, "customer.loyalty")).doesNotContain("731004");
        // an enclosing rule (customer.address: STREET_ADDRESS) covers every field inside
        assertThat((String) get(a, "customer.address.street")).doesNotContain("951");
        assertThat((String) get(a, "customer.address.city")).doesNotContain("Portland");
        // the oneof member annotated CREDIT_CARD keeps its last four
        assertThat((String) get(a, "card")).endsWith("1111").doesNotContain("4111 1111 1111");
        assertThat((String) get(a, "contact_email")).doesNotContain("ops@shop");
        // content scanning of unruled strings: the note's phone, the map value's email
        assertThat((String) get(a, "note")).startsWith("Call me at ").endsWith(" before delivery").doesNotContain("7946");
        assertThat(tags(a)).containsEntry("channel", "web");
        assertThat(tags(a).get("contact")).startsWith("write to ").doesNotContain("ana.lima");
        // the packed repeated int64 annotated as a class: each number is its own redacted string now
        Descriptors.FieldDescriptor badges = a.getDescriptorForType().findFieldByName("badge_numbers");
        assertThat(badges.getType()).isEqualTo(Descriptors.FieldDescriptor.Type.STRING);
        assertThat(a.getRepeatedFieldCount(badges)).isEqualTo(2);
        assertThat((String) a.getRepeatedField(badges, 0)).doesNotContain("120045");
        // untouched fields come through as they were
        assertThat(get(a, "order_id")).isEqualTo("ord-00000000");
        assertThat(get(a, "amount")).isEqualTo(45.36);
        assertThat(((Descriptors.EnumValueDescriptor) get(a, "currency")).getName()).isEqualTo("EUR");
        assertThat(a.getRepeatedFieldCount(a.getDescriptorForType().findFieldByName("items"))).isEqualTo(2);
        assertThat(get(a, "signature")).isEqualTo(ByteString.copyFrom(new byte[] {1, 2, 3}));
        assertThat((String) get(a, "client_ip")).startsWith("102.25.113.").isNotEqualTo("102.25.113.12");

        DynamicMessage s = view(m, v, SUPPORT);
        assertThat((String) get(s, "customer.email")).startsWith("l").endsWith("@corp.example.org")
                .doesNotContain("lukas.tanaka50");
        assertThat((String) get(s, "customer.phone")).endsWith("79").doesNotContain("555-87");

        DynamicMessage ml = view(m, v, ML);
        // nullified: absent, so readers see the default
        assertThat(has(ml, "customer.email")).isFalse();
        // dropped: absent, and the number is reserved in the output type
        Descriptors.Descriptor mlCustomer = ml.getDescriptorForType().findFieldByName("customer").getMessageType();
        assertThat(mlCustomer.findFieldByName("phone")).isNull();
        assertThat(mlCustomer.isReservedNumber(4)).isTrue();
        assertThat(mlCustomer.isReservedName("phone")).isTrue();
        assertThat(mlCustomer.getFullName()).isEqualTo("veil.masked.ml.Customer");
    }

    @Test
    void theVeilOptionIsGoneFromOutputTypesAndTheInputTypeIsUntouched() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        Descriptors.FieldDescriptor card = m.outputDescriptor(SUPPORT).findFieldByName("card");
        assertThat(card.getOptions().getUnknownFields().asMap()).isEmpty();
        assertThat(card.getContainingOneof().getName()).isEqualTo("payment");
        assertThat(order.findFieldByName("card").getOptions().getUnknownFields().hasField(ProtoMasker.OPTION_PII)).isTrue();
        // the segment's descriptor set is self-contained: it builds on its own
        FileDescriptorSet out = m.outputDescriptorSet(ANALYTICS);
        DescriptorSets rebuilt = DescriptorSets.of(out);
        assertThat(rebuilt.message("veil.masked.analytics.Order").findFieldByName("customer")).isNotNull();
    }

    @Test
    void recordsWithAValueTheSegmentDropsRecordsForAreDroppedThere() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        byte[] in = ProtoFixtures.order(order, "a@b.example", "078-05-1120", "fine").toByteArray();
        Views v = m.mask(in, 0, in.length);
        assertThat(v.dropped(ML)).isTrue();
        assertThat(v.dropped(ANALYTICS)).isFalse();
        assertThat(v.dropped(SUPPORT)).isFalse();
        // analytics drops the SSN field
        DynamicMessage a = view(m, v, ANALYTICS);
        assertThat(a.getDescriptorForType().findFieldByName("customer").getMessageType().findFieldByName("ssn")).isNull();
        assertThat(new String(v.toBytes(ANALYTICS), StandardCharsets.ISO_8859_1)).doesNotContain("078-05-1120");
        assertThat((String) get(view(m, v, SUPPORT), "customer.ssn")).endsWith("1120").doesNotContain("078-05");
    }

    @Test
    void submessagesNothingMasksAreCopiedByteForByte() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        DynamicMessage msg = ProtoFixtures.order(order, "a@b.example", null, "fine");
        byte[] in = msg.toByteArray();
        byte[] item = ((DynamicMessage) msg.getRepeatedField(order.findFieldByName("items"), 0)).toByteArray();
        Views v = m.mask(in, 0, in.length);
        for (int s = 0; s < 3; s++) {
            assertThat(indexOf(v.toBytes(s), item)).as("segment %d", s).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void fieldsTheDescriptorDoesNotKnowAreLeftOutOfEveryViewAndReported() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        List<String> reported = new ArrayList<>();
        m.onUnknownField((type, number) -> reported.add(type + "#" + number));
        DynamicMessage base = ProtoFixtures.order(order, "a@b.example", null, "fine");
        Descriptors.FieldDescriptor items = order.findFieldByName("items");
        DynamicMessage item = (DynamicMessage) base.getRepeatedField(items, 0);
        UnknownFieldSet secret = UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("hidden.person@mail.example")).build()).build();
        DynamicMessage msg = base.toBuilder().setRepeatedField(items, 0, item.toBuilder().setUnknownFields(secret).build())
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(77, UnknownFieldSet.Field.newBuilder()
                        .addVarint(123456789L).build()).build())
                .build();
        byte[] in = msg.toByteArray();
        for (int round = 0; round < 2; round++) {
            Views v = m.mask(in, 0, in.length);
            for (int s = 0; s < 3; s++) {
                assertThat(new String(v.toBytes(s), StandardCharsets.ISO_8859_1)).doesNotContain("hidden.person");
                DynamicMessage out = view(m, v, s);
                assertThat(out.getUnknownFields().asMap()).isEmpty();
                assertThat(get(out, "order_id")).isEqualTo("ord-00000000");
            }
        }
        assertThat(reported).containsExactlyInAnyOrder("acme.shop.Item#99", "acme.shop.Order#77");
        assertThat(m.unknownFields()).isEqualTo(4);
    }

    @Test
    void aFieldAddedInANewVersionIsClassifiedBeforeItsRecordsFlow() throws Exception {
        // version 2 adds referrer_email; the masker compiled from it classifies the field by its name
        FileDescriptorProto v1 = order.getFile().toProto();
        FileDescriptorProto.Builder v2 = v1.toBuilder();
        for (int i = 0; i < v2.getMessageTypeCount(); i++) {
            if (v2.getMessageType(i).getName().equals("Order")) {
                v2.setMessageType(i, v2.getMessageType(i).toBuilder().addField(FieldDescriptorProto.newBuilder()
                        .setName("referrer_email").setNumber(16).setType(FieldDescriptorProto.Type.TYPE_STRING)
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setJsonName("referrerEmail")));
            }
        }
        Descriptors.FileDescriptor f2 = Descriptors.FileDescriptor.buildFrom(v2.build(),
                order.getFile().getDependencies().toArray(new Descriptors.FileDescriptor[0]));
        Descriptors.Descriptor order2 = f2.findMessageTypeByName("Order");
        ProtoMasker m2 = ProtoMasker.compile(plan, order2);
        assertThat(m2.classification()).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("referrer_email");
            assertThat(c.dataClass().name()).isEqualTo("EMAIL");
            assertThat(c.source()).isEqualTo("name");
        });
        DynamicMessage msg = DynamicMessage.newBuilder(order2)
                .setField(order2.findFieldByName("order_id"), "ord-1")
                .setField(order2.findFieldByName("referrer_email"), "ref.person@partner.example").build();
        byte[] in = msg.toByteArray();
        Views v = m2.mask(in, 0, in.length);
        assertThat((String) get(view(m2, v, ANALYTICS), "referrer_email")).doesNotContain("ref.person");
        // the old masker meets the new field as an unknown number: left out, never passed through
        ProtoMasker m1 = ProtoMasker.compile(plan, order);
        Views old = m1.mask(in, 0, in.length);
        assertThat(new String(old.toBytes(ANALYTICS), StandardCharsets.ISO_8859_1)).doesNotContain("ref.person");
        assertThat(m1.unknownFields()).isEqualTo(1);
    }

    @Test
    void typesItCannotMaskAreRefusedWhenCompiled() throws Exception {
        DescriptorSets tree = DescriptorSets.read(ProtoFixtures.compile(dir.resolve("tree"), "tree.proto"));
        assertThatThrownBy(() -> ProtoMasker.compile(plan, tree.message("acme.shop.Node")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recursive");
        assertThatThrownBy(() -> ProtoMasker.compile(plan, tree.message("acme.shop.Badge")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BADGE_HOLDER")
                .hasMessageContaining("acme.shop.Badge.holder");
        assertThatThrownBy(() -> tree.message("acme.shop.Missing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acme.shop.Node");
    }

    @Test
    void hostileBytesAreRefusedWithAReasonNeverWithTheContent() throws Exception {
        ProtoMasker m = ProtoMasker.compile(plan, order);
        byte[] in = ProtoFixtures.order(order, "lukas.tanaka50@corp.example.org", "078-05-1120", "note").toByteArray();
        // every truncation point: a clean refusal, or (at a field boundary) a shorter message every view parses as
        for (int cut = 0; cut < in.length; cut++) {
            try {
                Views v = m.mask(in, 0, cut);
                for (int s = 0; s < 3; s++) {
                    if (!v.dropped(s)) {
                        view(m, v, s);
                    }
                }
            } catch (RecordException e) {
                assertThat(e.getMessage()).doesNotContain("lukas").doesNotContain("1120");
            }
        }
        assertRefused(m, new byte[] {0x1a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 'x'}, "TRUNCATED");
        assertRefused(m, new byte[] {0x1a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}, "MALFORMED");
        assertRefused(m, new byte[] {0x0f}, "MALFORMED"); // wire type 7
        assertRefused(m, new byte[] {(byte) 0x9b, 0x06, (byte) 0x9c, 0x06}, "UNSUPPORTED_SCHEMA"); // a group (field 99)
        assertRefused(m, new byte[] {0x08, 0x01}, "MALFORMED"); // field 1 (string) as a varint
        assertRefused(m, new byte[] {0x00, 0x01}, "MALFORMED"); // field number 0
        // a tag over 2^32 inside a submessage nothing masks (checked before it is copied whole)
        assertRefused(m, new byte[] {0x4a, 0x05, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40}, "MALFORMED");
        assertRefused(m, new byte[] {0x62, 0x02, (byte) 0xc3, 0x28}, "INVALID_UTF8"); // note: a scanned string
        byte[] big = new byte[plan.limits().maxRecordBytes() + 1];
        assertRefused(m, big, "TOO_LARGE");
        // random bytes: a refusal or a view, never another exception
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            try {
                m.mask(b, 0, b.length);
            } catch (RecordException e) {
                assertThat(e.reason()).isNotNull();
            }
        }
    }

    @Test
    void aValueOneSegmentReplacesIsStillScannedForASegmentThatKeepsIt() throws Exception {
        java.nio.file.Path p = java.nio.file.Files.writeString(dir.resolve("two.yaml"), """
                veil: 1
                name: two
                classes:
                  EMPLOYEE_ID: {pattern: 'EMP-[0-9]{6}', validator: none, score: 0.9}
                fields:
                  customer.name: PERSON_NAME
                scan: {strings: all}
                segments:
                  replaces:
                    actions: {PERSON_NAME: redact, default: redact}
                  keeps:
                    actions: {PERSON_NAME: keep, default: redact}
                """);
        dev.veil.core.policy.Policy policy = dev.veil.core.policy.PolicyLoader.load(p);
        Plan two = Plan.compile(policy, List.of("replaces", "keeps"), dev.veil.core.keys.KeyRing.of(policy.keys()),
                dev.veil.core.engine.Limits.DEFAULT);
        ProtoMasker m = ProtoMasker.compile(two, order);
        List<String> drift = new ArrayList<>();
        m.onDrift((path, cls, byName) -> drift.add(path + " " + cls.name()));
        DynamicMessage msg = ProtoFixtures.order(order, "a@b.example", null, "fine");
        Descriptors.FieldDescriptor cf = order.findFieldByName("customer");
        DynamicMessage c = (DynamicMessage) msg.getField(cf);
        msg = msg.toBuilder().setField(cf, c.toBuilder().setField(c.getDescriptorForType().findFieldByName("name"),
                "Lukas Tanaka, write to lukas.t@mail.example").build()).build();
        byte[] in = msg.toByteArray();
        Views v = m.mask(in, 0, in.length);
        assertThat((String) get(view(m, v, 0), "customer.name")).isEqualTo("[PERSON_NAME]");
        assertThat((String) get(view(m, v, 1), "customer.name")).startsWith("Lukas Tanaka, write to ")
                .doesNotContain("lukas.t@");
        // the email inside a field a rule classifies is not undeclared drift
        assertThat(drift).noneMatch(d -> d.startsWith("customer.name "));
    }

    static void assertRefused(ProtoMasker m, byte[] b, String reason) {
        assertThatThrownBy(() -> m.mask(b, 0, b.length)).isInstanceOf(RecordException.class)
                .extracting(e -> ((RecordException) e).reason().name()).isEqualTo(reason);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
