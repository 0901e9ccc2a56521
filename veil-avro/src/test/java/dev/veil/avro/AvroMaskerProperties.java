package dev.veil.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Laws of Avro masking over generated records: every view reads back with its segment's output schema, masking is
 * deterministic, unclassified fields arrive unchanged, and arbitrary bytes are either a record or a refusal.
 */
class AvroMaskerProperties {
    static Path dir;
    static Schema schema;
    static Plan plan;

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-avro-props");
        schema = AvroFixtures.order();
        plan = AvroFixtures.plan(dir);
    }

    @AfterContainer
    static void tearDown() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().all().ofMaxLength(40);
    }

    @Property(tries = 200)
    void everyViewReadsBackDeterministically(@ForAll("text") String email, @ForAll("text") String note,
                                             @ForAll("text") String sku, @ForAll boolean withSsn) throws Exception {
        GenericRecord r = AvroFixtures.order(schema, email, withSsn ? "097-47-9549" : null, note);
        ((GenericRecord) ((java.util.List<?>) r.get("items")).get(0)).put("sku", sku);
        byte[] in = AvroFixtures.write(schema, r);
        AvroMasker m = AvroMasker.compile(plan, schema);
        Views first = m.mask(in, 0, in.length);
        byte[][] copies = new byte[3][];
        for (int s = 0; s < 3; s++) {
            copies[s] = first.toBytes(s);
        }
        Views again = AvroMasker.compile(plan, schema).mask(in, 0, in.length);
        for (int s = 0; s < 3; s++) {
            assertThat(again.toBytes(s)).isEqualTo(copies[s]);
            if (copies[s] == null) {
                continue;
            }
            GenericRecord out = AvroFixtures.read(m.outputSchema(s), copies[s], 0, copies[s].length);
            // items hold nothing the policy classifies (sku is not scanned: no detector matches every string)
            assertThat(out.get("event").toString()).isEqualTo("order_created");
            assertThat(((GenericRecord) out.get("payment")).get("amount")).isEqualTo(45.36);
        }
        assertThat(copies[AvroMaskerTest.ML] == null).isEqualTo(withSsn);
    }

    @Property(tries = 500)
    void arbitraryBytesAreARecordOrARefusal(@ForAll byte[] bytes) {
        AvroMasker m = AvroMasker.compile(plan, schema);
        try {
            Views v = m.mask(bytes, 0, bytes.length);
            for (int s = 0; s < 3; s++) {
                byte[] b = v.toBytes(s);
                if (b != null) {
                    AvroFixtures.read(m.outputSchema(s), b, 0, b.length);
                }
            }
        } catch (RecordException e) {
            assertThat(e.getMessage()).isNotBlank();
        } catch (Exception e) {
            throw new AssertionError("not a refusal: " + e + " on " + Arrays.toString(bytes), e);
        }
    }
}
