package dev.veil.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Framed records through a schema directory: writer schemas found by id or fingerprint, output schemas registered
 * per segment subject and named by the views, schema evolution, and refusals.
 */
class AvroRecordsTest {
    @TempDir
    Path dir;
    Plan plan;
    Schema v1;
    static final List<String> SUBJECTS = List.of("orders.analytics-value", "orders.support-value", "orders.ml-value");

    @BeforeEach
    void setUp() throws Exception {
        plan = AvroFixtures.plan(dir);
        v1 = AvroFixtures.order();
        Files.createDirectories(dir.resolve("schemas"));
        Files.writeString(dir.resolve("schemas/7-orders-value.avsc"), v1.toString());
    }

    static byte[] confluent(int id, byte[] payload) {
        byte[] b = new byte[payload.length + 5];
        AvroWire.confluentHeader(id, b, 0);
        System.arraycopy(payload, 0, b, 5, payload.length);
        return b;
    }

    @Test
    void confluentRecordsGetTheirSegmentsSchemaIdsAndEvolutionIsClassifiedFirst() throws Exception {
        SchemaDirectory schemas = SchemaDirectory.open(dir.resolve("schemas"));
        AvroRecords records = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, schemas, SUBJECTS);
        byte[] in = confluent(7, AvroFixtures.write(v1, AvroFixtures.order(v1, "ana@example.com", null, "")));
        Views v = records.mask(in, 0, in.length);
        int analyticsId = AvroWire.confluentId(v.array(0), v.offset(0), v.length(0));
        assertThat(analyticsId).isNotEqualTo(7);
        // a consumer reads the view with the schema its id names, from the same directory
        Schema out = SchemaDirectory.open(dir.resolve("schemas")).byId(analyticsId);
        GenericRecord a = AvroFixtures.read(out, v.array(0), v.offset(0) + 5, v.length(0) - 5);
        assertThat(a.get("customer").toString()).doesNotContain("ana@example.com");
        assertThat(schemas.versions("orders.analytics-value")).containsExactly(analyticsId);
        // the same schema again: no new version
        records.mask(in, 0, in.length);
        assertThat(schemas.versions("orders.analytics-value")).hasSize(1);

        // version 2 adds a field no rule names: its name classifies it before any record of it flows
        Schema v2 = new Schema.Parser().parse(v1.toString().replace("{\"name\":\"note\",",
                "{\"name\":\"backup_email\",\"type\":\"string\",\"default\":\"\"},{\"name\":\"note\","));
        Files.writeString(dir.resolve("schemas/100-orders-value.avsc"), v2.toString());
        schemas = SchemaDirectory.open(dir.resolve("schemas"));
        records = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, schemas, SUBJECTS);
        GenericRecord r2 = AvroFixtures.order(v2, "ana@example.com", null, "");
        r2.put("backup_email", "ana.backup@example.net");
        byte[] in2 = confluent(100, AvroFixtures.write(v2, r2));
        assertThat(records.masker(in2, 0, in2.length).classification())
                .anySatisfy(c -> assertThat(c.path() + "=" + c.dataClass() + "/" + c.source())
                        .isEqualTo("backup_email=EMAIL/name"));
        Views v2views = records.mask(in2, 0, in2.length);
        int id2 = AvroWire.confluentId(v2views.array(0), v2views.offset(0), v2views.length(0));
        GenericRecord a2 = AvroFixtures.read(schemas.byId(id2), v2views.array(0), v2views.offset(0) + 5,
                v2views.length(0) - 5);
        assertThat(a2.get("backup_email").toString()).doesNotContain("ana.backup");
        // the new output schema is the subject's next version: backward compatible, since the field has a default
        assertThat(schemas.versions("orders.analytics-value")).containsExactly(analyticsId, id2);
    }

    @Test
    void unknownSchemasAndOutputsASubjectRefusesAreRefused() throws Exception {
        SchemaDirectory schemas = SchemaDirectory.open(dir.resolve("schemas"));
        AvroRecords records = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, schemas, SUBJECTS);
        byte[] unknown = confluent(99, new byte[] {2, 'x'});
        assertThatThrownBy(() -> records.mask(unknown, 0, unknown.length)).isInstanceOf(RecordException.class)
                .hasMessageContaining("no schema id 99 in schema directory");
        // a writer schema naming a class the policy lacks cannot be masked: refused as such, not as unknown
        Files.writeString(dir.resolve("schemas/55-orders-value.avsc"), "{\"type\":\"record\",\"name\":\"R\","
                + "\"fields\":[{\"name\":\"v\",\"type\":\"string\",\"pii\":\"SHOE_SIZE\"}]}");
        AvroRecords withOdd = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT,
                SchemaDirectory.open(dir.resolve("schemas")), SUBJECTS);
        byte[] odd = confluent(55, new byte[] {2, 'x'});
        assertThatThrownBy(() -> withOdd.mask(odd, 0, odd.length)).isInstanceOf(RecordException.class)
                .satisfies(e -> assertThat(((RecordException) e).reason()).isEqualTo(RecordException.Reason.UNSUPPORTED_SCHEMA))
                .hasMessageContaining("SHOE_SIZE");
        byte[] notFramed = {1, 0, 0, 0, 7, 2};
        assertThatThrownBy(() -> records.mask(notFramed, 0, notFramed.length)).hasMessageContaining("magic byte 1");

        byte[] in = confluent(7, AvroFixtures.write(v1, AvroFixtures.order(v1, "ana@example.com", null, "")));
        records.mask(in, 0, in.length);
        // a writer version whose loyalty number is marked not PII: the analytics view would turn a string back into
        // a long, which readers of the subject's latest version cannot read
        Schema v3 = new Schema.Parser().parse(v1.toString().replace("\"pii\":\"EMPLOYEE_ID\"", "\"pii\":\"NONE\""));
        Files.writeString(dir.resolve("schemas/101-orders-value.avsc"), v3.toString());
        AvroRecords again = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, SchemaDirectory.open(dir.resolve("schemas")),
                SUBJECTS);
        byte[] in3 = confluent(101, AvroFixtures.write(v3, AvroFixtures.order(v3, "ana@example.com", null, "")));
        assertThatThrownBy(() -> again.mask(in3, 0, in3.length)).isInstanceOf(RecordException.class)
                .satisfies(e -> assertThat(((RecordException) e).reason()).isEqualTo(RecordException.Reason.INCOMPATIBLE_SCHEMA))
                .hasMessageContaining("orders.analytics-value");
    }

    @Test
    void singleObjectRecordsAreFoundByFingerprint() throws Exception {
        SchemaDirectory schemas = SchemaDirectory.open(dir.resolve("schemas"));
        AvroRecords records = new AvroRecords(plan, AvroRecords.Framing.SINGLE_OBJECT, schemas, SUBJECTS);
        GenericRecord r = AvroFixtures.order(v1, "ana@example.com", null, "");
        // the library's own single-object encoder frames the record
        byte[] in = new org.apache.avro.message.BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();
        Views v = records.mask(in, 0, in.length);
        long fp = AvroWire.singleObjectFingerprint(v.array(1), v.offset(1), v.length(1));
        Schema out = schemas.byFingerprint(fp);
        assertThat(SchemaNormalization.parsingFingerprint64(out)).isEqualTo(fp);
        // and the library's decoder reads the support view with that schema
        GenericRecord back = new org.apache.avro.message.BinaryMessageDecoder<GenericRecord>(GenericData.get(), out)
                .decode(java.util.Arrays.copyOfRange(v.array(1), v.offset(1), v.offset(1) + v.length(1)));
        assertThat(((GenericRecord) back.get("customer")).get("email").toString()).startsWith("a").endsWith("@example.com")
                .isNotEqualTo("ana@example.com");
    }

    /** A schema directory that is unreachable for its first {@code failures} calls, as a registry in an outage is. */
    static final class Outage implements SchemaSource {
        final SchemaSource real;
        int failures;
        int calls;

        Outage(SchemaSource real, int failures) {
            this.real = real;
            this.failures = failures;
        }

        private void maybeFail() throws java.io.IOException {
            calls++;
            if (failures-- > 0) {
                throw new java.net.ConnectException("connection refused");
            }
        }

        @Override
        public Schema byId(int id) throws Exception {
            maybeFail();
            return real.byId(id);
        }

        @Override
        public Schema byFingerprint(long fingerprint) throws Exception {
            maybeFail();
            return real.byFingerprint(fingerprint);
        }

        @Override
        public int register(String subject, Schema schema) throws Exception {
            maybeFail();
            return real.register(subject, schema);
        }

        @Override
        public String describe() {
            return real.describe();
        }
    }

    @Test
    void aShortRegistryOutageIsRiddenOutAndALongOneQuarantines() throws Exception {
        byte[] rec = confluent(7, AvroFixtures.write(v1, AvroFixtures.order(v1, "a@b.example", null, "fine")));
        Outage shortOutage = new Outage(SchemaDirectory.open(dir.resolve("schemas")), 3);
        AvroRecords r = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT,
                new RetryingSchemaSource(shortOutage, java.time.Duration.ofSeconds(10)), SUBJECTS);
        Views v = r.mask(rec, 0, rec.length);
        assertThat(v.dropped(0)).isFalse();
        assertThat(shortOutage.calls).isGreaterThan(3);

        Outage longOutage = new Outage(SchemaDirectory.open(dir.resolve("schemas")), Integer.MAX_VALUE);
        AvroRecords down = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT,
                new RetryingSchemaSource(longOutage, java.time.Duration.ofMillis(300)), SUBJECTS);
        assertThatThrownBy(() -> down.mask(rec, 0, rec.length)).isInstanceOf(RecordException.class)
                .extracting(e -> ((RecordException) e).reason()).isEqualTo(RecordException.Reason.UNKNOWN_SCHEMA);
        assertThat(longOutage.calls).isGreaterThan(1);
        // the registry is back: the next record finds its schema (failures are not cached)
        longOutage.failures = 0;
        assertThat(down.mask(rec, 0, rec.length).dropped(0)).isFalse();
        // an answer is not an outage: a 404 or 403 is not retried
        assertThat(RetryingSchemaSource.isOutage(new SchemaRegistry.RegistryError(404, 40403, "not found"))).isFalse();
        assertThat(RetryingSchemaSource.isOutage(new SchemaRegistry.RegistryError(503, 0, "unavailable"))).isTrue();
        assertThat(RetryingSchemaSource.isOutage(new java.net.ConnectException("refused"))).isTrue();
    }
}
