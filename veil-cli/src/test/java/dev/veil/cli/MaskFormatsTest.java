package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.veil.protobuf.DescriptorSets;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil mask --format csv|text|avro|protobuf}: files written and read back by the real libraries. */
class MaskFormatsTest {
    private static final Path EXAMPLE = Path.of("../examples/retail.yaml");

    @TempDir
    Path dir;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void streams() {
        out = new StringWriter();
        err = new StringWriter();
    }

    private int veil(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--home");
        a.add(2, dir.resolve("home").toString());
        return VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), a.toArray(new String[0]));
    }

    @Test
    void csvWithAHeaderGetsEachSegmentsOwnHeaderAndRefusesShiftedRows() throws Exception {
        Path in = Files.writeString(dir.resolve("orders.csv"), """
                order_id,customer.email,customer.ssn,note
                ord-1,ana.lima@mail.example,078-05-1120,"call me, +1 415-555-8779"
                ord-2,bo@x.example,219-09-9999
                ord-3,cy@x.example,,fine
                """);
        Path outDir = dir.resolve("out");
        Path q = dir.resolve("q.jsonl");
        int rc = veil("mask", "-p", EXAMPLE.toString(), "--format", "csv", "--all-segments", "--out-dir",
                outDir.toString(), "-q", q.toString(), in.toString());
        assertThat(rc).as(err.toString()).isEqualTo(ExitCodes.QUARANTINED);
        List<String> a = Files.readAllLines(outDir.resolve("analytics.csv"));
        assertThat(a.get(0)).isEqualTo("order_id,customer.email,note"); // US_SSN: drop
        assertThat(a).hasSize(3);
        assertThat(a.get(1)).startsWith("ord-1,").doesNotContain("ana.lima").doesNotContain("555-8779");
        assertThat(a.get(2)).startsWith("ord-3,").endsWith(",fine");
        List<String> s = Files.readAllLines(outDir.resolve("support.csv"));
        assertThat(s.get(0)).isEqualTo("order_id,customer.email,customer.ssn,note");
        assertThat(s.get(1)).contains("***-**-1120").doesNotContain("078-05");
        assertThat(err.toString()).contains("orders.csv:3: quarantined: row has 3 cells; there are 4 columns");
        assertThat(Files.readString(q)).doesNotContain("219-09-9999").contains("MALFORMED");
    }

    @Test
    void logfmtLinesWithRulesByKey() throws Exception {
        Path in = Files.writeString(dir.resolve("app.log"),
                "level=info customer.email=ana@shop.example msg=\"card 4111 1111 1111 1111 declined\" order_id=o-1\n");
        Path o = dir.resolve("app.masked.log");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--format", "text", "--layout", "logfmt",
                in.toString(), "-o", o.toString())).as(err.toString()).isZero();
        assertThat(Files.readString(o)).isEqualTo("level=info customer.email=a**@shop.example"
                + " msg=\"card **** **** **** 1111 declined\" order_id=o-1\n");
    }

    @Test
    void fieldsNoRuleNamesAreReportedForLineFormatsToo() throws Exception {
        Path in = Files.writeString(dir.resolve("app2.log"), "level=info user_email=ana@shop.example msg=\"call +1 415-555-8779\"\n");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--format", "text", "--layout", "logfmt",
                in.toString(), "-o", dir.resolve("o.log").toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("undeclared PII").contains("user_email EMAIL (by name)")
                .contains("msg PHONE (by content)");
    }

    @Test
    void anAvroContainerFileBecomesOneContainerPerSegmentWithItsOutputSchema() throws Exception {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Order", "fields": [
                  {"name": "order_id", "type": "string"},
                  {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
                    {"name": "email", "type": "string"}, {"name": "ssn", "type": "string"}]}},
                  {"name": "note", "type": "string"}]}""");
        Path in = dir.resolve("orders.avro");
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.create(schema, in.toFile());
            for (int i = 0; i < 3; i++) {
                GenericRecord c = new GenericData.Record(schema.getField("customer").schema());
                c.put("email", "person" + i + "@mail.example");
                c.put("ssn", "078-05-112" + i);
                GenericRecord r = new GenericData.Record(schema);
                r.put("order_id", "ord-" + i);
                r.put("customer", c);
                r.put("note", "reach me at 10.1.2." + (i + 10));
                w.append(r);
            }
        }
        Path outDir = dir.resolve("out");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "--format", "avro", "--all-segments", "--out-dir",
                outDir.toString(), in.toString())).as(err.toString()).isZero();
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(outDir.resolve("analytics.avro").toFile(),
                new GenericDatumReader<>())) {
            // the file carries the analytics output schema: the dropped SSN field is gone
            assertThat(r.getSchema().getField("customer").schema().getField("ssn")).isNull();
            int n = 0;
            for (GenericRecord rec : r) {
                assertThat(rec.get("order_id").toString()).isEqualTo("ord-" + n);
                assertThat(((GenericRecord) rec.get("customer")).get("email").toString()).doesNotContain("person");
                assertThat(rec.get("note").toString()).startsWith("reach me at 10.1.2.").isNotEqualTo("reach me at 10.1.2." + (n + 10));
                n++;
            }
            assertThat(n).isEqualTo(3);
        }
        assertThat(err.toString()).contains("segment analytics: 3 written (3 changed)");
    }

    @Test
    void aBrokenRecordInAnAvroBlockIsQuarantinedWithTheRestOfItsBlockNeverWritten() throws Exception {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Contact", "fields": [
                  {"name": "email", "type": "string"}, {"name": "note", "type": "string"}]}""");
        Path in = dir.resolve("contacts.avro");
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.create(schema, in.toFile());
            GenericRecord r = new GenericData.Record(schema);
            r.put("email", "first@mail.example");
            r.put("note", "ok");
            w.append(r);
            // a record whose string length runs past the block, then a good one Veil cannot find the start of
            w.appendEncoded(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xfe, 0x7f, 'x'}));
            r.put("email", "third@mail.example");
            w.append(r);
        }
        Path o = dir.resolve("contacts.analytics.avro");
        Path q = dir.resolve("q.jsonl");
        int rc = veil("mask", "-p", EXAMPLE.toString(), "-s", "analytics", "--format", "avro", "-q", q.toString(),
                in.toString(), "-o", o.toString());
        assertThat(rc).as(err.toString()).isEqualTo(ExitCodes.QUARANTINED);
        assertThat(err.toString()).contains("record 2: quarantined:").contains("(with the 1 records after it in its block)");
        List<String> emails = new ArrayList<>();
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(o.toFile(), new GenericDatumReader<>())) {
            for (GenericRecord rec : r) {
                emails.add(rec.get("email").toString());
            }
        }
        assertThat(emails).hasSize(1).noneMatch(e -> e.contains("first@"));
        assertThat(Files.readString(q)).contains("TRUNCATED");
    }

    @Test
    void lengthDelimitedProtobufWithTheSegmentsDescriptorSetBesideIt() throws Exception {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("shop.proto").setPackage("acme.shop")
                .setSyntax("proto3").addMessageType(DescriptorProto.newBuilder().setName("Customer")
                        .addField(field("email", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("loyalty", 2, FieldDescriptorProto.Type.TYPE_INT64)))
                .addMessageType(DescriptorProto.newBuilder().setName("Order")
                        .addField(field("order_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("customer", 2, FieldDescriptorProto.Type.TYPE_MESSAGE)
                                .setTypeName(".acme.shop.Customer"))
                        .addField(field("note", 3, FieldDescriptorProto.Type.TYPE_STRING)))
                .build();
        Path set = dir.resolve("shop.desc");
        Files.write(set, FileDescriptorSet.newBuilder().addFile(file).build().toByteArray());
        Descriptors.Descriptor order = DescriptorSets.read(set).message("acme.shop.Order");
        Descriptors.Descriptor customer = order.findFieldByName("customer").getMessageType();
        Path in = dir.resolve("orders.pb");
        try (OutputStream o = Files.newOutputStream(in)) {
            for (int i = 0; i < 2; i++) {
                DynamicMessage.newBuilder(order).setField(order.findFieldByName("order_id"), "ord-" + i)
                        .setField(order.findFieldByName("customer"), DynamicMessage.newBuilder(customer)
                                .setField(customer.findFieldByName("email"), "p" + i + "@mail.example")
                                .setField(customer.findFieldByName("loyalty"), 5L).build())
                        .setField(order.findFieldByName("note"), "ssn 078-05-1120 on file").build().writeDelimitedTo(o);
            }
            o.write(new byte[] {0x05, 0x0a, 0x7f}); // a truncated last message
        }
        Path o = dir.resolve("orders.analytics.pb");
        Path desc = dir.resolve("analytics.desc");
        Path q = dir.resolve("q.jsonl");
        int rc = veil("mask", "-p", EXAMPLE.toString(), "-s", "analytics", "--format", "protobuf", "--descriptor-set",
                set.toString(), "--message", "acme.shop.Order", "--descriptor-out", desc.toString(), "-q", q.toString(),
                in.toString(), "-o", o.toString());
        assertThat(rc).as(err.toString()).isEqualTo(ExitCodes.QUARANTINED);
        Descriptors.Descriptor outType = DescriptorSets.read(desc).message("veil.masked.analytics.Order");
        try (InputStream is = Files.newInputStream(o)) {
            for (int i = 0; i < 2; i++) {
                DynamicMessage.Builder mb = DynamicMessage.newBuilder(outType);
                assertThat(mb.mergeDelimitedFrom(is)).isTrue();
                DynamicMessage m = mb.build();
                assertThat(m.getField(outType.findFieldByName("order_id"))).isEqualTo("ord-" + i);
                DynamicMessage c = (DynamicMessage) m.getField(outType.findFieldByName("customer"));
                assertThat((String) c.getField(c.getDescriptorForType().findFieldByName("email"))).doesNotContain("p" + i);
                assertThat((String) m.getField(outType.findFieldByName("note"))).doesNotContain("078-05-1120");
            }
            assertThat(is.read()).isEqualTo(-1);
        }
        assertThat(err.toString()).contains("record 3: quarantined: input ends inside message 3");
    }

    private static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    }

    @Test
    void formatOptionsAreChecked() {
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--format", "xml")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("unknown --format xml");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--format", "protobuf", "-o", "x"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--descriptor-set FILE and --message TYPE");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--format", "avro")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("give --output FILE");
    }
}
