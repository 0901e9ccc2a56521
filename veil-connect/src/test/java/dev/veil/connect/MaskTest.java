package dev.veil.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MaskTest {
    static final String EMAIL = "ana.lima@example.com";
    static final String CARD = "4111111111111111";

    static final Schema CUSTOMER = SchemaBuilder.struct().name("acme.Customer")
            .field("id", Schema.INT64_SCHEMA)
            .field("full_name", Schema.STRING_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("phone", Schema.INT64_SCHEMA)
            .field("ssn", Schema.OPTIONAL_STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .build();

    Mask<SourceRecord> mask = new Mask<>();

    @AfterEach
    void close() {
        mask.close();
    }

    static String policy() throws Exception {
        return Paths.get(MaskTest.class.getResource("/cdc-policy.yaml").toURI()).toString();
    }

    Mask<SourceRecord> configured(String segment, Map<String, String> extra) throws Exception {
        Map<String, String> c = new HashMap<>(Map.of(Mask.POLICY, policy(), Mask.SEGMENT, segment));
        c.putAll(extra);
        mask.configure(c);
        return mask;
    }

    static Struct customer() {
        return new Struct(CUSTOMER).put("id", 7L).put("full_name", "Ana Lima").put("email", EMAIL)
                .put("phone", 4155550123L).put("ssn", "536-22-8142")
                .put("note", "call me at ana.lima@example.com about card " + CARD)
                .put("tags", List.of("vip", "mail " + EMAIL))
                .put("attrs", new LinkedHashMap<>(Map.of("email", EMAIL, "plan", "gold")));
    }

    static SourceRecord record(Schema schema, Object value) {
        return new SourceRecord(Map.of(), Map.of(), "customers", 0, Schema.STRING_SCHEMA, "k1", schema, value);
    }

    @Test
    void aStructIsMaskedFieldByFieldAndItsSchemaFollows() throws Exception {
        SourceRecord out = configured("analytics", Map.of()).apply(record(CUSTOMER, customer()));
        Struct v = (Struct) out.value();
        v.validate();
        assertThat(v.get("id")).isEqualTo(7L);
        assertThat(v.getString("email")).isEqualTo("a**.****@example.com");
        assertThat(v.getString("email")).endsWith("@example.com").doesNotContain("ana.lima");
        assertThat(v.getString("full_name")).doesNotContain("Ana").doesNotContain("Lima");
        // a number a segment replaces becomes an optional string field
        assertThat(out.valueSchema().field("phone").schema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(v.getString("phone")).endsWith("23").doesNotContain("41555501");
        // US_SSN: drop — the field leaves the struct and its schema
        assertThat(out.valueSchema().field("ssn")).isNull();
        assertThat(v.getString("note")).startsWith("call me at ").contains("@example.com")
                .doesNotContain("ana.lima").contains("1111").doesNotContain(CARD);
        assertThat(v.getArray("tags")).element(1).asString().doesNotContain("ana.lima");
        assertThat(v.getMap("attrs")).containsEntry("plan", "gold");
        assertThat((String) v.getMap("attrs").get("email")).doesNotContain("ana.lima");
        assertThat(out.key()).isEqualTo("k1");
        assertThat(out.valueSchema().name()).isEqualTo("acme.Customer");
    }

    @Test
    void theSameSchemaIsCompiledOnceAndCleanRecordsKeepTheirSchema() throws Exception {
        configured("analytics", Map.of());
        SourceRecord a = mask.apply(record(CUSTOMER, customer()));
        SourceRecord b = mask.apply(record(CUSTOMER, customer()));
        assertThat(a.valueSchema()).isSameAs(b.valueSchema());
        Schema clean = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("sku", Schema.STRING_SCHEMA)
                .build();
        SourceRecord c = mask.apply(record(clean, new Struct(clean).put("id", 1L).put("sku", "AB-12")));
        assertThat(c.valueSchema()).isSameAs(clean);
        assertThat(((Struct) c.value()).getString("sku")).isEqualTo("AB-12");
    }

    @Test
    void aSegmentThatNullifiesMakesFieldsOptional() throws Exception {
        SourceRecord out = configured("nulls", Map.of()).apply(record(CUSTOMER, customer()));
        Struct v = (Struct) out.value();
        v.validate();
        assertThat(out.valueSchema().field("full_name").schema().isOptional()).isTrue();
        assertThat(v.get("full_name")).isNull();
        assertThat(v.get("email")).isNull();
        assertThat(v.get("id")).isEqualTo(7L);
    }

    @Test
    void aClassTheSegmentDropsRecordsForDropsTheRecord() throws Exception {
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("api_key", Schema.OPTIONAL_STRING_SCHEMA).build();
        configured("analytics", Map.of());
        assertThat(mask.apply(record(s, new Struct(s).put("id", 1L).put("api_key", "k-123")))).isNull();
        assertThat(mask.apply(record(s, new Struct(s).put("id", 2L)))).isNotNull();
        assertThat(mask.counts()[0]).isEqualTo(1);
    }

    @Test
    void schemalessMapsListsAndLinesAreMasked() throws Exception {
        configured("analytics", Map.of());
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", 3L);
        v.put("email", EMAIL);
        v.put("ssn", "536-22-8142");
        v.put("phone", 4155550123L);
        v.put("customer", new LinkedHashMap<>(Map.of("note", "reach " + EMAIL)));
        v.put("emails", List.of(EMAIL, "b@example.org"));
        SourceRecord out = mask.apply(record(null, v));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) out.value();
        assertThat(m).doesNotContainKey("ssn").containsEntry("id", 3L);
        assertThat(m.toString()).doesNotContain("ana.lima").doesNotContain("4155550123").doesNotContain("536-22");
        SourceRecord line = mask.apply(record(null, "user " + EMAIL + " logged in"));
        assertThat((String) line.value()).startsWith("user ").endsWith(" logged in").doesNotContain("ana.lima");
    }

    @Test
    void aDebeziumEnvelopeIsMaskedByTheRowsPaths() throws Exception {
        Schema row = SchemaBuilder.struct().name("cdc.public.customers.Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("email", Schema.OPTIONAL_STRING_SCHEMA)
                .field("account", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("table", Schema.STRING_SCHEMA).field("query", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema env = SchemaBuilder.struct().name("cdc.public.customers.Envelope")
                .field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct e = new Struct(env).put("after", new Struct(row).put("id", 1).put("email", EMAIL).put("account", "ACC-7"))
                .put("source", new Struct(source).put("table", "customers")
                        .put("query", "INSERT INTO customers VALUES (1, '" + EMAIL + "')")).put("op", "c");
        SourceRecord out = configured("analytics", Map.of()).apply(record(env, e));
        Struct v = (Struct) out.value();
        assertThat(v.getStruct("after").getString("email")).endsWith("@example.com").doesNotContain("ana.lima");
        assertThat(v.getStruct("source").getString("table")).isEqualTo("customers");
        // only the row-path rule 'account: CREDIT_CARD' masks this value: content detection sees no card in it
        assertThat(v.getStruct("after").getString("account")).isNotEqualTo("ACC-7");
        // the fields beside the rows are masked by their own paths: a captured SQL statement holds values
        assertThat(v.getStruct("source").getString("query")).startsWith("INSERT INTO customers")
                .doesNotContain("ana.lima");
        assertThat(v.get("before")).isNull();
        assertThat(v.getString("op")).isEqualTo("c");

        Mask<SourceRecord> plain = new Mask<>();
        plain.configure(Map.of(Mask.POLICY, policy(), Mask.SEGMENT, "analytics", Mask.ENVELOPE, "none"));
        Struct p = (Struct) plain.apply(record(env, e)).value();
        // without the envelope, after.account is not the row's account: the rule does not apply
        assertThat(p.getStruct("after").getString("account")).isEqualTo("ACC-7");
        assertThat(p.getStruct("after").getString("email")).doesNotContain("ana.lima"); // content detection still
    }

    @Test
    void aFieldDroppedInsideAnArrayOrMapTakesTheContainerAlongAndNamedStringsAreScanned() throws Exception {
        Schema json = SchemaBuilder.string().name("io.debezium.data.Json").optional().build();
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("ssns", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("profile", json).build();
        configured("analytics", Map.of());
        SourceRecord out = mask.apply(record(s, new Struct(s).put("id", 1L).put("ssns", List.of("536-22-8142"))
                .put("profile", "{\"mail\":\"" + EMAIL + "\"}")));
        Struct v = (Struct) out.value();
        v.validate();
        assertThat(out.valueSchema().field("ssns")).isNull();
        assertThat(v.toString()).doesNotContain("536-22").doesNotContain("ana.lima");
        assertThat(v.getString("profile")).startsWith("{\"mail\":\"").endsWith("@example.com\"}");

        Map<String, Object> schemaless = new LinkedHashMap<>();
        schemaless.put("ssns", List.of("536-22-8142", "078-05-1120"));
        Map<?, ?> m = (Map<?, ?>) mask.apply(record(null, schemaless)).value();
        assertThat(m.toString()).doesNotContain("536-22").doesNotContain("078-05");
    }

    @Test
    void hostileSchemalessNestingFailsClosed() throws Exception {
        configured("analytics", Map.of(Mask.ON_ERROR, "drop"));
        Map<String, Object> deep = new LinkedHashMap<>();
        Map<String, Object> at = deep;
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            at.put("n", next);
            at = next;
        }
        at.put("email", EMAIL);
        assertThat(mask.apply(record(null, deep))).isNull();
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        assertThat(mask.apply(record(null, cyclic))).isNull();
        assertThat(mask.counts()[1]).isEqualTo(2);
    }

    @Test
    void keysAreMaskedOnlyWhenAsked() throws Exception {
        configured("analytics", Map.of(Mask.MASK_KEY, "true"));
        SourceRecord r = new SourceRecord(Map.of(), Map.of(), "t", 0, Schema.STRING_SCHEMA, "login " + EMAIL,
                Schema.STRING_SCHEMA, "x");
        assertThat((String) mask.apply(r).key()).doesNotContain("ana.lima");
    }

    @Test
    void configurationErrorsNameTheKey() throws Exception {
        assertThatThrownBy(() -> mask.configure(Map.of(Mask.SEGMENT, "analytics")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("policy");
        assertThatThrownBy(() -> mask.configure(Map.of(Mask.POLICY, policy(), Mask.SEGMENT, "nope")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no segment 'nope'");
        assertThatThrownBy(() -> mask.configure(Map.of(Mask.POLICY, policy(), Mask.SEGMENT, "analytics",
                Mask.ENVELOPE, "maybe"))).isInstanceOf(ConfigException.class).hasMessageContaining("envelope");
        assertThat(mask.config().names()).contains(Mask.POLICY, Mask.SEGMENT, Mask.ENVELOPE, Mask.MASK_KEY,
                Mask.ON_ERROR);
    }

    @Test
    void aValueThatDoesNotMatchItsSchemaFailsClosedWithoutEchoingIt() throws Exception {
        configured("analytics", Map.of());
        Schema s = SchemaBuilder.struct().field("email", Schema.STRING_SCHEMA).build();
        Object wrong = Map.of("email", EMAIL); // a map where a Struct belongs
        assertThatThrownBy(() -> mask.apply(record(s, wrong))).isInstanceOf(DataException.class)
                .hasMessageNotContaining("ana.lima");
        Mask<SourceRecord> dropping = new Mask<>();
        dropping.configure(Map.of(Mask.POLICY, policy(), Mask.SEGMENT, "analytics", Mask.ON_ERROR, "drop"));
        assertThat(dropping.apply(record(s, wrong))).isNull();
        assertThat(dropping.apply(record(null, new Object()))).isNull();
        assertThat(dropping.counts()[1]).isEqualTo(2);
    }
}
