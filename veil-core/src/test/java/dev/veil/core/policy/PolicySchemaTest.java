package dev.veil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Keeps docs/policy.schema.json in step with the loader: same sections, actions and built-in classes. */
class PolicySchemaTest {
    private static final JsonNode SCHEMA = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("../docs/policy.schema.json").toFile());
        } catch (Exception e) {
            throw new AssertionError("docs/policy.schema.json is not valid JSON", e);
        }
    }

    private static Set<String> names(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> texts(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void sectionsMatchTheLoader() {
        assertThat(SCHEMA.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(names(SCHEMA.get("properties"))).containsExactlyInAnyOrder("veil", "name", "keys", "classes", "fields",
                "scan", "segments", "consent", "grants", "streams");
        assertThat(texts(SCHEMA.get("required"))).containsExactlyInAnyOrder("veil", "name", "segments");
        assertThat(SCHEMA.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(names(SCHEMA.at("/properties/scan/properties"))).containsExactlyInAnyOrder("strings", "min_score", "field_names", "regions", "thresholds", "leak_guard");
    }

    @Test
    void actionsAndClassesMatchTheLoader() {
        List<String> available = new ArrayList<>(PolicyLoader.ACTIONS);
        available.removeAll(List.of("generalize"));
        assertThat(texts(SCHEMA.at("/$defs/actionName/enum"))).containsExactlyInAnyOrderElementsOf(available);
        List<String> builtIn = DataClass.BUILT_IN.stream().map(DataClass::name).toList();
        assertThat(texts(SCHEMA.at("/$defs/builtInClass/enum"))).containsExactlyInAnyOrderElementsOf(builtIn);
        assertThat(texts(SCHEMA.at("/$defs/stream/properties/format/enum"))).containsExactlyInAnyOrderElementsOf(PolicyLoader.FORMATS);
    }
}
