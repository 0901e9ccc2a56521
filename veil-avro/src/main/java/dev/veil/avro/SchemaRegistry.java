package dev.veil.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * A client of a schema registry speaking the Confluent-compatible REST API (Confluent Schema Registry, Apicurio's
 * ccompat endpoint, Karapace): schemas by id, registration under a subject after the registry's own compatibility
 * check. Schemas by id never change, so they are cached for good; fingerprints are known for schemas seen here.
 * Thread-safe.
 */
public final class SchemaRegistry implements SchemaSource {
    private static final String JSON_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;
    private final Map<String, String> headers;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();
    private final Map<String, Integer> registered = new ConcurrentHashMap<>();

    /**
     * @param url     the registry's base URL, e.g. {@code http://registry:8081} or Apicurio's
     *                {@code http://registry:8080/apis/ccompat/v7}
     * @param headers added to every request (for example {@code Authorization})
     */
    public SchemaRegistry(String url, Map<String, String> headers) {
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.headers = Map.copyOf(headers);
    }

    private JsonNode call(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", JSON_TYPE + ", application/json");
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", JSON_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + describe());
        }
        JsonNode n = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() / 100 != 2) {
            throw new RegistryError(r.statusCode(), n.path("error_code").asInt(0), n.path("message").asText(""));
        }
        return n;
    }

    /** An answer the registry gave with an error status: its HTTP status, error code and message. */
    public static final class RegistryError extends IOException {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final int code;

        RegistryError(int status, int code, String message) {
            super("registry answered " + status + (code != 0 ? " (error " + code + ")" : "") + ": " + message);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public Schema byId(int id) throws IOException {
        Schema s = byId.get(id);
        if (s != null) {
            return s;
        }
        JsonNode n = call("GET", "schemas/ids/" + id, null);
        if (n == null) {
            return null;
        }
        String type = n.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new IOException("schema id " + id + " is a " + type + " schema, not Avro");
        }
        s = new Schema.Parser().parse(n.path("schema").asText());
        byId.put(id, s);
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
        return s;
    }

    @Override
    public Schema byFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    @Override
    public int register(String subject, Schema schema) throws IOException, IncompatibleSchema {
        String key = subject + "\n" + SchemaNormalization.toParsingForm(schema);
        Integer known = registered.get(key);
        if (known != null) {
            return known;
        }
        String s = URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
        Map<String, String> body = Map.of("schema", schema.toString());
        JsonNode c = call("POST", "compatibility/subjects/" + s + "/versions/latest", body);
        if (c != null && !c.path("is_compatible").asBoolean(false)) {
            throw new IncompatibleSchema("the registry's compatibility rule for " + subject + " refuses it"
                    + (c.has("messages") ? ": " + c.get("messages") : ""));
        }
        JsonNode r;
        try {
            r = call("POST", "subjects/" + s + "/versions", body);
        } catch (RegistryError e) {
            if (e.status == 409) {
                throw new IncompatibleSchema("the registry refused it under " + subject + ": " + e.getMessage());
            }
            throw e;
        }
        if (r == null || !r.has("id")) {
            throw new IOException("the registry did not answer an id when registering under " + subject);
        }
        int id = r.get("id").asInt();
        registered.put(key, id);
        byId.putIfAbsent(id, schema);
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        return id;
    }

    @Override
    public String describe() {
        return "registry " + base;
    }
}
