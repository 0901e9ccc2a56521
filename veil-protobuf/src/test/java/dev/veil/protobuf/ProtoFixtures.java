package dev.veil.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Descriptor sets compiled by the real protoc, the retail policy with a third segment, and messages built by protobuf-java. */
final class ProtoFixtures {
    private ProtoFixtures() {
    }

    /**
     * Compiles {@code .proto} files under {@code src/test/proto} (plus the shipped {@code veil/options.proto}) with the
     * protoc that Maven fetched, the way users make descriptor sets.
     */
    static Path compile(Path dir, String... protos) throws IOException, InterruptedException {
        Path protoc = Path.of("target/protoc/protoc");
        if (!protoc.toFile().canExecute() && !protoc.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + protoc + " executable");
        }
        // protoc finds google/protobuf/descriptor.proto on its include path: protobuf-java ships it
        Path include = dir.resolve("include");
        Files.createDirectories(include.resolve("google/protobuf"));
        try (InputStream in = Descriptors.class.getResourceAsStream("/google/protobuf/descriptor.proto")) {
            Files.write(include.resolve("google/protobuf/descriptor.proto"), in.readAllBytes());
        }
        Path out = dir.resolve("set.pb");
        List<String> cmd = new ArrayList<>(List.of(protoc.toString(), "-I", "src/test/proto", "-I", "src/main/resources",
                "-I", include.toString(), "--include_imports", "--descriptor_set_out=" + out));
        cmd.addAll(List.of(protos));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("protoc failed: " + log);
        }
        return out;
    }

    static DescriptorSets orders(Path dir) throws Exception {
        return DescriptorSets.read(compile(dir, "order.proto"));
    }

    /** retail.yaml plus a segment {@code ml} that nullifies emails, drops phones and drops records holding an SSN. */
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

    static DynamicMessage order(Descriptors.Descriptor order, String email, String ssn, String note) {
        Descriptors.Descriptor cd = order.findFieldByName("customer").getMessageType();
        Descriptors.Descriptor ad = cd.findFieldByName("address").getMessageType();
        Descriptors.Descriptor id = order.findFieldByName("items").getMessageType();
        DynamicMessage address = DynamicMessage.newBuilder(ad).setField(ad.findFieldByName("street"), "951 High Street")
                .setField(ad.findFieldByName("city"), "Portland").setField(ad.findFieldByName("zip"), "04914").build();
        DynamicMessage.Builder c = DynamicMessage.newBuilder(cd)
                .setField(cd.findFieldByName("id"), "c-050631")
                .setField(cd.findFieldByName("name"), "Lukas Tanaka")
                .setField(cd.findFieldByName("email"), email)
                .setField(cd.findFieldByName("phone"), "+1 415-555-8779")
                .setField(cd.findFieldByName("loyalty"), 731_004L)
                .setField(cd.findFieldByName("address"), address);
        if (ssn != null) {
            c.setField(cd.findFieldByName("ssn"), ssn);
        }
        DynamicMessage item = DynamicMessage.newBuilder(id).setField(id.findFieldByName("sku"), "SKU-07747")
                .setField(id.findFieldByName("qty"), 2).setField(id.findFieldByName("price"), 94.74).build();
        Descriptors.FieldDescriptor tags = order.findFieldByName("tags");
        Descriptors.Descriptor entry = tags.getMessageType();
        DynamicMessage.Builder o = DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("event"), "order_created")
                .setField(order.findFieldByName("ts"), "2026-11-01T00:00:00Z")
                .setField(order.findFieldByName("order_id"), "ord-00000000")
                .setField(order.findFieldByName("customer"), c.build())
                .setField(order.findFieldByName("card"), "4111 1111 1111 1111")
                .setField(order.findFieldByName("amount"), 45.36)
                .setField(order.findFieldByName("currency"), order.getFile().findEnumTypeByName("Currency")
                        .findValueByName("EUR"))
                .addRepeatedField(order.findFieldByName("items"), item)
                .addRepeatedField(order.findFieldByName("items"), item)
                .addRepeatedField(tags, DynamicMessage.newBuilder(entry).setField(entry.findFieldByName("key"), "channel")
                        .setField(entry.findFieldByName("value"), "web").build())
                .addRepeatedField(tags, DynamicMessage.newBuilder(entry).setField(entry.findFieldByName("key"), "contact")
                        .setField(entry.findFieldByName("value"), "write to ana.lima@example.com").build())
                .setField(order.findFieldByName("client_ip"), "102.25.113.12")
                .setField(order.findFieldByName("note"), note)
                .addRepeatedField(order.findFieldByName("badge_numbers"), 120_045L)
                .addRepeatedField(order.findFieldByName("badge_numbers"), 99L)
                .setField(order.findFieldByName("signature"), ByteString.copyFrom(new byte[] {1, 2, 3}))
                .setField(order.findFieldByName("contact_email"), "ops@shop.example");
        return o.build();
    }

    static DynamicMessage read(Descriptors.Descriptor type, byte[] b, int off, int len) throws IOException {
        return DynamicMessage.parseFrom(type, com.google.protobuf.CodedInputStream.newInstance(b, off, len));
    }

    static FileDescriptorSet set(DescriptorSets s) {
        FileDescriptorSet.Builder b = FileDescriptorSet.newBuilder();
        s.files().values().forEach(f -> b.addFile(f.toProto()));
        return b.build();
    }
}
