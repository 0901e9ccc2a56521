package dev.veil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The shared corpus as protobuf: one message type per event kind, the same shape as the Avro schemas of
 * {@link AvroCorpus} (records become messages, arrays repeated fields, optional values fields left unset), and each
 * JSON event written by protobuf-java.
 */
final class ProtoCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its message type and its protobuf binary. */
    record Event(Descriptors.Descriptor type, byte[] bytes) {
    }

    private ProtoCorpus() {
    }

    static List<Event> convert(byte[][] json) throws IOException {
        FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName("corpus.proto")
                .setPackage("corpus").setSyntax("proto3");
        Map<String, Schema> avro = AvroCorpus.schemas();
        java.util.Set<String> done = new java.util.HashSet<>();
        for (Schema s : avro.values()) {
            message(s, file, done);
        }
        Descriptors.FileDescriptor fd;
        try {
            fd = Descriptors.FileDescriptor.buildFrom(file.build(), new Descriptors.FileDescriptor[0]);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IOException(e);
        }
        List<Event> out = new ArrayList<>(json.length);
        for (byte[] e : json) {
            JsonNode n = JSON.readTree(e);
            String kind = n.has("level") ? "auth-log" : "order_created".equals(n.path("event").asText()) ? "order" : "ticket";
            Descriptors.Descriptor t = fd.findMessageTypeByName(avro.get(kind).getName());
            out.add(new Event(t, build(t, n).toByteArray()));
        }
        return out;
    }

    private static void message(Schema s, FileDescriptorProto.Builder file, java.util.Set<String> done) {
        if (!done.add(s.getName())) {
            return;
        }
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(s.getName());
        int number = 1;
        for (Schema.Field f : s.getFields()) {
            Schema t = f.schema();
            if (t.getType() == Schema.Type.UNION) {
                t = t.getTypes().get(1);
            }
            FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(f.name()).setNumber(number++)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
            if (t.getType() == Schema.Type.ARRAY) {
                b.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED);
                t = t.getElementType();
            }
            switch (t.getType()) {
                case STRING -> b.setType(FieldDescriptorProto.Type.TYPE_STRING);
                case INT -> b.setType(FieldDescriptorProto.Type.TYPE_INT32);
                case LONG -> b.setType(FieldDescriptorProto.Type.TYPE_INT64);
                case DOUBLE -> b.setType(FieldDescriptorProto.Type.TYPE_DOUBLE);
                case RECORD -> {
                    message(t, file, done);
                    b.setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".corpus." + t.getName());
                }
                default -> throw new IllegalArgumentException(t.getType().toString());
            }
            m.addField(b);
        }
        file.addMessageType(m);
    }

    private static DynamicMessage build(Descriptors.Descriptor t, JsonNode n) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(t);
        for (Descriptors.FieldDescriptor f : t.getFields()) {
            JsonNode v = n.path(f.getName());
            if (v.isMissingNode() || v.isNull()) {
                continue;
            }
            if (f.isRepeated()) {
                v.forEach(x -> b.addRepeatedField(f, value(f, x)));
            } else {
                b.setField(f, value(f, v));
            }
        }
        return b.build();
    }

    private static Object value(Descriptors.FieldDescriptor f, JsonNode v) {
        return switch (f.getJavaType()) {
            case STRING -> v.asText("");
            case INT -> v.asInt();
            case LONG -> v.asLong();
            case DOUBLE -> v.asDouble();
            case MESSAGE -> build(f.getMessageType(), v);
            default -> throw new IllegalArgumentException(f.getType().toString());
        };
    }
}
