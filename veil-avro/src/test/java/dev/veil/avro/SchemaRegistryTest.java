package dev.veil.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a real registry speaking the Confluent-compatible API: Apicurio Registry 2.1.5,
 * built from Maven Central by {@code tools/schema-registry/build.sh} (which {@code .ci/run} runs) and started here
 * as a process on a free loopback port.
 */
class SchemaRegistryTest {
    @TempDir
    static Path tmp;
    static Process registry;
    static String url;

    static Path runnerJar() {
        String env = System.getenv("VEIL_REGISTRY_JAR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String cache = System.getenv("VEIL_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "veil");
        return base.resolve("apicurio-2.1.5/registry/apicurio-registry-app-2.1.5.Final-runner.jar");
    }

    @BeforeAll
    static void start() throws Exception {
        Path jar = runnerJar();
        assertThat(jar).as("these tests need a schema registry: build it with tools/schema-registry/build.sh"
                + " (.ci/run does), or point VEIL_REGISTRY_JAR at a runner jar").exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        registry = new ProcessBuilder(java, "-Xmx256m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile())
                .start();
        url = "http://127.0.0.1:" + port + "/apis/ccompat/v6";
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            assertThat(registry.isAlive()).as(Files.readString(tmp.resolve("registry.log"))).isTrue();
            assertThat(System.nanoTime()).as("registry not ready in 120 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.destroy();
            registry.waitFor();
        }
    }

    @Test
    void registersLooksUpAndRefusesWhatTheSubjectsRuleRefuses() throws Exception {
        SchemaRegistry client = new SchemaRegistry(url, Map.of());
        Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
                + "{\"name\":\"email\",\"type\":\"string\"}]}");
        int id = client.register("users-value", v1);
        assertThat(client.register("users-value", v1)).isEqualTo(id);
        // a fresh client reads it by id from the registry, not from its cache
        assertThat(new SchemaRegistry(url, Map.of()).byId(id)).isEqualTo(v1);
        assertThat(new SchemaRegistry(url, Map.of()).byId(987_654)).isNull();
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/config/users-value"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"compatibility\":\"BACKWARD\"}")).build(), HttpResponse.BodyHandlers.discarding());
        Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
                + "{\"name\":\"email\",\"type\":\"long\"}]}");
        assertThatThrownBy(() -> client.register("users-value", v2)).isInstanceOf(SchemaSource.IncompatibleSchema.class)
                .hasMessageContaining("users-value");
        Schema v3 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
                + "{\"name\":\"email\",\"type\":\"string\"},{\"name\":\"tier\",\"type\":\"int\",\"default\":0}]}");
        assertThat(client.register("users-value", v3)).isNotEqualTo(id);
    }

    @Test
    void framedRecordsRoundTripThroughTheRegistry(@TempDir Path dir) throws Exception {
        Plan plan = AvroFixtures.plan(dir);
        Schema writer = AvroFixtures.order();
        SchemaRegistry producerSide = new SchemaRegistry(url, Map.of());
        int writerId = producerSide.register("orders-value", writer);
        byte[] payload = AvroFixtures.write(writer, AvroFixtures.order(writer, "kwame.mensah@example.com", null, "hi"));
        byte[] framed = new byte[payload.length + 5];
        AvroWire.confluentHeader(writerId, framed, 0);
        System.arraycopy(payload, 0, framed, 5, payload.length);

        AvroRecords records = new AvroRecords(plan, AvroRecords.Framing.CONFLUENT, new SchemaRegistry(url, Map.of()),
                List.of("orders.analytics-value", "orders.support-value", "orders.ml-value"));
        Views v = records.mask(framed, 0, framed.length);
        SchemaRegistry consumerSide = new SchemaRegistry(url, Map.of());
        for (int s = 0; s < 3; s++) {
            int id = AvroWire.confluentId(v.array(s), v.offset(s), v.length(s));
            Schema out = consumerSide.byId(id);
            assertThat(out).isEqualTo(records.masker(framed, 0, framed.length).outputSchema(s));
            GenericRecord r = AvroFixtures.read(out, v.array(s), v.offset(s) + 5, v.length(s) - 5);
            assertThat(r.toString()).doesNotContain("kwame.mensah@example.com");
        }
        byte[] unknown = framed.clone();
        AvroWire.confluentHeader(999_999, unknown, 0);
        assertThatThrownBy(() -> records.mask(unknown, 0, unknown.length)).isInstanceOf(RecordException.class)
                .hasMessageContaining("no schema id 999999 in registry");
    }
}
