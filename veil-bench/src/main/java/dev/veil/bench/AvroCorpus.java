package dev.veil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The shared corpus as Avro: each JSON event converted to a record of the schema for its kind (order, ticket,
 * auth log; {@code src/main/resources/avro/}) and written with the Avro library's binary encoder.
 */
final class AvroCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its writer schema and its Avro binary. */
    record Event(Schema schema, byte[] bytes) {
    }

    private AvroCorpus() {
    }

    static Map<String, Schema> schemas() throws IOException {
        Map<String, Schema> m = new HashMap<>();
        for (String n : List.of("order", "ticket", "auth-log")) {
            try (InputStream in = AvroCorpus.class.getResourceAsStream("/avro/" + n + ".avsc")) {
                m.put(n, new Schema.Parser().parse(in));
            }
        }
        return m;
    }

    static List<Event> convert(byte[][] json) throws IOException {
        Map<String, Schema> schemas = schemas();
        List<Event> out = new ArrayList<>(json.length);
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        BinaryEncoder enc = null;
        for (byte[] e : json) {
            JsonNode n = JSON.readTree(e);
            String kind = n.has("level") ? "auth-log" : "order_created".equals(n.path("event").asText()) ? "order" : "ticket";
            Schema s = schemas.get(kind);
            buf.reset();
            enc = EncoderFactory.get().binaryEncoder(buf, enc);
            new GenericDatumWriter<Object>(s).write(datum(s, n), enc);
            enc.flush();
            out.add(new Event(s, buf.toByteArray()));
        }
        return out;
    }

    private static Object datum(Schema s, JsonNode n) {
        switch (s.getType()) {
            case RECORD -> {
                GenericData.Record r = new GenericData.Record(s);
                for (Schema.Field f : s.getFields()) {
                    r.put(f.name(), datum(f.schema(), n.path(f.name())));
                }
                return r;
            }
            case UNION -> {
                if (n.isMissingNode() || n.isNull()) {
                    return null;
                }
                return datum(s.getTypes().get(1), n);
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                n.forEach(x -> l.add(datum(s.getElementType(), x)));
                return l;
            }
            case STRING -> {
                return n.asText("");
            }
            case INT -> {
                return n.asInt();
            }
            case DOUBLE -> {
                return n.asDouble();
            }
            default -> throw new IllegalArgumentException(s.getType().toString());
        }
    }
}
