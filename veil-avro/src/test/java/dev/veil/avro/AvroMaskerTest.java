package dev.veil.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written by the Avro library, masked, and read back by it with each segment's derived schema. */
class AvroMaskerTest {
    static final int ANALYTICS = 0;
    static final int SUPPORT = 1;
    static final int ML = 2;

    @TempDir
    Path dir;
    Schema schema;
    Plan plan;
    AvroMasker masker;

    @BeforeEach
    void setUp() throws Exception {
        schema = AvroFixtures.order();
        plan = AvroFixtures.plan(dir);
        masker = AvroMasker.compile(plan, schema);
    }

    GenericRecord view(Views v, int s) throws Exception {
        assertThat(v.dropped(s)).isFalse();
        return AvroFixtures.read(masker.outputSchema(s), v.array(s), v.offset(s), v.length(s));
    }

    @Test
    void eachSegmentReadsItsViewWithItsOwnSchema() throws Exception {
        byte[] in = AvroFixtures.write(schema, AvroFixtures.order(schema, "lukas.tanaka50@corp.example.org", null,
                "Call me at +44 20 7946 9469 before delivery"));
        Views v = masker.mask(in, 0, in.length);

        GenericRecord a = view(v, ANALYTICS);
        GenericRecord c = (GenericRecord) a.get("customer");
        assertThat(c.get("email").toString()).isNotEmpty().doesNotContain("lukas").doesNotContain("@corp");
        assertThat(c.get("name").toString()).doesNotContain("Lukas");
        // the SSN field is dropped from the analytics schema, not just emptied
        assertThat(c.getSchema().getField("ssn")).isNull();
        // the annotated long (pii: EMPLOYEE_ID) is redacted, so it is a string now
        assertThat(c.getSchema().getField("loyalty").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(c.get("loyalty").toString()).doesNotContain("731004");
        // an enclosing rule (customer.address: STREET_ADDRESS) covers every field inside
        GenericRecord addr = (GenericRecord) c.get("address");
        assertThat(addr.get("street").toString()).doesNotContain("951");
        assertThat(addr.get("city").toString()).doesNotContain("Portland");
        GenericRecord pay = (GenericRecord) a.get("payment");
        assertThat(pay.get("card").toString()).endsWith("1111").doesNotContain("4111 1111");
        assertThat(pay.get("amount")).isEqualTo(45.36);
        assertThat(pay.get("currency").toString()).isEqualTo("EUR");
        assertThat(a.get("items").toString()).contains("SKU-07747").contains("94.74");
        // free text: only the phone number inside is masked, the words stay
        assertThat(a.get("note").toString()).startsWith("Call me at ").endsWith(" before delivery")
                .doesNotContain("7946 9469");
        assertThat(((Map<?, ?>) a.get("tags")).toString()).contains("web").doesNotContain("ana.lima@example.com");
        assertThat(a.get("client_ip").toString()).isNotEqualTo("102.25.113.12");

        GenericRecord sup = view(v, SUPPORT);
        GenericRecord sc = (GenericRecord) sup.get("customer");
        assertThat(sc.get("email").toString()).startsWith("l").endsWith("@corp.example.org").doesNotContain("lukas.tanaka50");
        assertThat(sc.get("phone").toString()).endsWith("79").doesNotContain("555-8779");
        // the union kept its null branch, and the masked branch is a string
        assertThat(sc.getSchema().getField("phone").schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.STRING);

        GenericRecord ml = view(v, ML);
        GenericRecord mc = (GenericRecord) ml.get("customer");
        // nullified: a union with null, the value null
        assertThat(mc.getSchema().getField("email").schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
        assertThat(mc.get("email")).isNull();
        assertThat(mc.getSchema().getField("phone")).isNull();
        // no SSN in this record, so ml keeps it; its ssn is the null branch
        assertThat(mc.get("ssn")).isNull();
    }

    @Test
    void aClassThatDropsRecordsDropsThemWhereTheValueIsPresent() throws Exception {
        byte[] in = AvroFixtures.write(schema, AvroFixtures.order(schema, "ana@example.com", "097-47-9549", ""));
        Views v = masker.mask(in, 0, in.length);
        assertThat(v.dropped(ML)).isTrue();
        assertThat(v.dropped(ANALYTICS)).isFalse();
        GenericRecord sup = view(v, SUPPORT);
        assertThat(((GenericRecord) sup.get("customer")).get("ssn").toString()).endsWith("9549").doesNotContain("097-47");
    }

    @Test
    void derivedSchemasAreValidAvroAndNameWhatDecidedEachField() throws Exception {
        for (int s = 0; s < 3; s++) {
            Schema out = masker.outputSchema(s);
            assertThat(new Schema.Parser().parse(out.toString())).isEqualTo(out);
        }
        assertThat(masker.outputSchema(ANALYTICS).toString()).doesNotContain("\"pii\"");
        assertThat(masker.classification()).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("customer.loyalty");
            assertThat(c.source()).isEqualTo("annotation");
        }).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("customer.address.city");
            assertThat(c.dataClass().name()).isEqualTo("STREET_ADDRESS");
            assertThat(c.source()).isEqualTo("rule");
        }).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("note");
            assertThat(c.dataClass()).isNull();
            assertThat(c.scanned()).isTrue();
        }).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("order_id");
            assertThat(c.scanned()).isFalse(); // order_id: NONE
        });
    }

    @Test
    void schemasItCannotMaskSafelyAreRefusedWithTheReason() {
        Schema recursive = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                + "{\"name\":\"v\",\"type\":\"string\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
        assertThatThrownBy(() -> AvroMasker.compile(plan, recursive)).hasMessageContaining("Node is recursive");
        Schema unknown = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                + "{\"name\":\"v\",\"type\":\"string\",\"pii\":\"SHOE_SIZE\"}]}");
        assertThatThrownBy(() -> AvroMasker.compile(plan, unknown)).hasMessageContaining("v: \"pii\": SHOE_SIZE")
                .hasMessageContaining("EMAIL");
    }

    @Test
    void hostileBytesAreRefusedNeverPassedOn() throws Exception {
        byte[] in = AvroFixtures.write(schema, AvroFixtures.order(schema, "lukas@example.com", "097-47-9549", "hi"));
        // every truncation is refused with a reason, never another exception
        for (int n = 0; n < in.length; n++) {
            final int len = n;
            assertThatThrownBy(() -> masker.mask(in, 0, len)).isInstanceOf(RecordException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("lukas"));
        }
        // trailing bytes the schema does not describe
        byte[] longer = java.util.Arrays.copyOf(in, in.length + 3);
        assertThatThrownBy(() -> masker.mask(longer, 0, longer.length)).hasMessageContaining("3 bytes follow");
        // a length that overflows: a string claiming 2^62 bytes
        byte[] bomb = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0x7f};
        assertThatThrownBy(() -> masker.mask(bomb, 0, bomb.length)).isInstanceOf(RecordException.class)
                .hasMessageContaining("runs past the end");
        // a varint that never ends
        byte[] endless = new byte[32];
        java.util.Arrays.fill(endless, (byte) 0x80);
        assertThatThrownBy(() -> masker.mask(endless, 0, endless.length)).hasMessageContaining("varint longer");
        // an array of nulls claiming 2^40 items, and a union branch that does not exist
        Schema nulls = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"N\",\"fields\":["
                + "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"null\"}},"
                + "{\"name\":\"u\",\"type\":[\"null\",\"string\"]}]}");
        AvroMasker m = AvroMasker.compile(plan, nulls);
        AvroMasker.Out o = new AvroMasker.Out(16);
        o.writeLong(1L << 40);
        assertThatThrownBy(() -> m.mask(o.buf, 0, o.len)).hasMessageContaining("empty items");
        byte[] badUnion = {0, 4};
        assertThatThrownBy(() -> m.mask(badUnion, 0, badUnion.length)).hasMessageContaining("union branch 2");
        // invalid UTF-8 in a string the detectors read
        Schema text = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"T\",\"fields\":["
                + "{\"name\":\"note\",\"type\":\"string\"}]}");
        byte[] bad = {6, 'a', (byte) 0xc3, (byte) 0x28};
        assertThatThrownBy(() -> AvroMasker.compile(plan, text).mask(bad, 0, bad.length))
                .isInstanceOf(RecordException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void undeclaredSensitiveFieldsAreReportedByNameAtOnceAndByContentAsRecordsShowThem() throws Exception {
        Schema v2 = new Schema.Parser().parse("""
                {"type": "record", "name": "Signup", "fields": [
                  {"name": "referrer_email", "type": "string"},
                  {"name": "comment", "type": "string"}]}""");
        AvroMasker m = AvroMasker.compile(plan, v2);
        java.util.List<String> drift = new java.util.ArrayList<>();
        m.onDrift((path, cls, byName) -> drift.add(path + " " + cls.name() + " " + (byName ? "name" : "content")));
        // before any record: the name gave the new field a class no rule declares
        assertThat(drift).containsExactly("referrer_email EMAIL name");
        org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(v2);
        r.put("referrer_email", "ref@partner.example");
        r.put("comment", "mail me at lee.park@mail.example");
        byte[] in = AvroFixtures.write(v2, r);
        m.mask(in, 0, in.length);
        m.mask(in, 0, in.length);
        assertThat(drift).containsExactly("referrer_email EMAIL name", "comment EMAIL content");
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
        Plan two = Plan.compile(policy, java.util.List.of("replaces", "keeps"),
                dev.veil.core.keys.KeyRing.of(policy.keys()), dev.veil.core.engine.Limits.DEFAULT);
        AvroMasker m = AvroMasker.compile(two, schema);
        GenericRecord r = AvroFixtures.order(schema, "a@b.example", null, "fine");
        ((GenericRecord) r.get("customer")).put("name", "Lukas Tanaka, write to lukas.t@mail.example");
        byte[] in = AvroFixtures.write(schema, r);
        Views v = m.mask(in, 0, in.length);
        GenericRecord keeps = AvroFixtures.read(m.outputSchema(1), v.array(1), v.offset(1), v.length(1));
        assertThat(((GenericRecord) keeps.get("customer")).get("name").toString())
                .startsWith("Lukas Tanaka, write to ").doesNotContain("lukas.t@");
    }
}
