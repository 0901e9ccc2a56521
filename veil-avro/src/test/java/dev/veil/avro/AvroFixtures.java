package dev.veil.avro;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** The order schema, the retail policy with a third segment, and records written by the real Avro library. */
final class AvroFixtures {
    private AvroFixtures() {
    }

    static Schema order() throws IOException {
        try (InputStream in = AvroFixtures.class.getResourceAsStream("/order.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    /**
     * retail.yaml plus a segment {@code ml} that nullifies emails, drops phones and drops whole records holding an
     * SSN, so every structural action meets the schema.
     */
    static Plan plan(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        for (String k : List.of("demo.keyset.json", "demo-quarantine.keyset.json")) {
            Path to = dir.resolve("keys").resolve(k);
            if (!Files.exists(to)) {
                Files.copy(Path.of("../examples/keys", k), to);
            }
        }
        String text = Files.readString(Path.of("../examples/retail.yaml")).replace("segments:\n  analytics:",
                "segments:\n  ml:\n    actions:\n      EMAIL: nullify\n      PHONE: drop\n      US_SSN: drop-record\n"
                        + "      default: redact\n  analytics:");
        Path file = Files.writeString(dir.resolve("retail-ml.yaml"), text);
        Policy p = PolicyLoader.load(file);
        return Plan.compile(p, List.of("analytics", "support", "ml"), KeyRing.of(p.keys()), Limits.DEFAULT);
    }

    static GenericRecord order(Schema s, String email, String ssn, String note) {
        Schema cs = s.getField("customer").schema();
        GenericRecord address = new GenericData.Record(cs.getField("address").schema());
        address.put("street", "951 High Street");
        address.put("city", "Portland");
        address.put("zip", "04914");
        GenericRecord c = new GenericData.Record(cs);
        c.put("id", "c-050631");
        c.put("name", "Lukas Tanaka");
        c.put("email", email);
        c.put("phone", "+1 415-555-8779");
        c.put("ssn", ssn);
        c.put("loyalty", 731_004L);
        c.put("address", address);
        Schema ps = s.getField("payment").schema();
        GenericRecord pay = new GenericData.Record(ps);
        pay.put("card", "4111 1111 1111 1111");
        pay.put("exp", "02/27");
        pay.put("amount", 45.36);
        pay.put("currency", new GenericData.EnumSymbol(ps.getField("currency").schema(), "EUR"));
        Schema is = s.getField("items").schema().getElementType();
        GenericRecord item = new GenericData.Record(is);
        item.put("sku", "SKU-07747");
        item.put("qty", 2);
        item.put("price", 94.74);
        GenericRecord r = new GenericData.Record(s);
        r.put("event", "order_created");
        r.put("ts", "2026-11-01T00:00:00Z");
        r.put("order_id", "ord-00000000");
        r.put("customer", c);
        r.put("payment", pay);
        r.put("items", List.of(item, item));
        r.put("tags", Map.of("channel", "web", "contact", "write to ana.lima@example.com"));
        r.put("client_ip", "102.25.113.12");
        r.put("note", note);
        return r;
    }

    static byte[] write(Schema s, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(s).write(datum, e);
        e.flush();
        return out.toByteArray();
    }

    static GenericRecord read(Schema s, byte[] b, int off, int len) throws IOException {
        return new GenericDatumReader<GenericRecord>(s).read(null, DecoderFactory.get().binaryDecoder(b, off, len, null));
    }
}
