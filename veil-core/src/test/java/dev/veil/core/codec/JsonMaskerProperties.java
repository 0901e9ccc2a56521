package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Laws of the JSON masker over generated records: valid output, untouched bytes kept, determinism. */
class JsonMaskerProperties {
    private static final ObjectMapper JSON = new ObjectMapper();
    // these laws are about classification and structure; the leak guard (which rightly holds back records whose
    // generated values repeat across a masked and a kept field) has its own tests
    private static final String NO_SCAN = "scan: {strings: none, field_names: false, leak_guard: off}\n";
    private static final Plan REDACT = plan(header() + "fields:\n  \"**.email\": EMAIL\n" + NO_SCAN
            + "segments:\n  a:\n    actions:\n      default: redact\n");
    // two dropped names, so one object can lose several members (and all of them)
    private static final Plan DROP = plan(header() + "fields:\n  \"**.email\": EMAIL\n  \"**.b\": PHONE\n" + NO_SCAN
            + "segments:\n  a:\n    actions:\n      default: drop\n");
    private static final Plan SCAN = plan(header() + "segments:\n  a:\n    actions:\n      EMAIL: hash\n"
            + "      CREDIT_CARD: {mask: {keep_last: 4}}\n      PHONE: drop\n      default: redact\n");

    /** Builds a random record; values under "email" keys are unique marker strings (or null). */
    static final class Gen {
        private final Random r;
        private final StringBuilder sb = new StringBuilder();
        final List<String> markers = new ArrayList<>();
        private static final String[] KEYS = {"a", "b", "email", "\\u0065mail", "x y", "é", "\\\"q\\\"", "n1"};
        private static final String[] WS = {"", "", "", " ", "\n", "\t", "  "};
        private static final String[] PIECES = {"a", "b", "z", " ", "\\\"", "\\\\", "\\u00e9", "é", "😀", "\\n", "0", "9",
            "@", ".", "-", "/"};
        private static final String[] NUMBERS = {"0", "-1", "12", "3.25", "-0.5e3", "1E+2", "123456789012"};

        Gen(long seed) {
            r = new Random(seed);
        }

        String record(int depth) {
            value(depth, false);
            return sb.toString();
        }

        private void ws() {
            sb.append(WS[r.nextInt(WS.length)]);
        }

        private void value(int depth, boolean masked) {
            int kind = depth <= 0 ? 2 + r.nextInt(4) : r.nextInt(6);
            switch (kind) {
                case 0 -> object(depth, masked);
                case 1 -> array(depth, masked);
                default -> scalar(kind, masked);
            }
        }

        private void object(int depth, boolean masked) {
            sb.append('{');
            int n = r.nextInt(5);
            List<String> used = new ArrayList<>();
            boolean first = true;
            for (int i = 0; i < n; i++) {
                String k = KEYS[r.nextInt(KEYS.length)];
                String decoded = k.equals("\\u0065mail") ? "email" : k;
                if (used.contains(decoded)) {
                    continue;
                }
                used.add(decoded);
                if (!first) {
                    sb.append(',');
                }
                first = false;
                ws();
                sb.append('"').append(k).append('"');
                ws();
                sb.append(':');
                ws();
                value(depth - 1, masked || decoded.equals("email"));
                ws();
            }
            sb.append('}');
        }

        private void array(int depth, boolean masked) {
            sb.append('[');
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                ws();
                value(depth - 1, masked);
                ws();
            }
            sb.append(']');
        }

        private void scalar(int kind, boolean masked) {
            if (masked) {
                if (kind == 5) {
                    sb.append("null");
                    return;
                }
                String m = "MARKER_" + markers.size() + "_";
                markers.add(m);
                sb.append('"').append(m).append('"');
                return;
            }
            switch (kind) {
                case 2 -> {
                    sb.append('"');
                    int n = r.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        sb.append(PIECES[r.nextInt(PIECES.length)]);
                    }
                    sb.append('"');
                }
                case 3 -> sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
                case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
                default -> sb.append("null");
            }
        }
    }

    private static String mask(Plan plan, String in) throws RecordException {
        byte[] b = in.getBytes(StandardCharsets.UTF_8);
        byte[] out = new JsonMasker(plan).mask(b, 0, b.length).toBytes(0);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    @Property(tries = 400)
    void onlyClassifiedValuesChangeAndEveryOtherByteIsKept(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int depth)
            throws Exception {
        Gen g = new Gen(seed);
        String in = g.record(depth);
        String expected = in;
        for (String m : g.markers) {
            expected = expected.replace("\"" + m + "\"", "\"[EMAIL]\"");
        }
        String out = mask(REDACT, in);
        assertThat(out).isEqualTo(expected);
        JSON.readTree(out);
    }

    @Property(tries = 400)
    void dropRemovesExactlyTheClassifiedMembers(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int depth)
            throws Exception {
        String in = new Gen(seed).record(depth);
        String out = mask(DROP, in);
        JsonNode expected = withoutEmail(JSON.readTree(in));
        assertThat(JSON.readTree(out)).isEqualTo(expected);
    }

    private static JsonNode withoutEmail(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("email");
            o.remove("b");
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                withoutEmail(it.next().getValue());
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(JsonMaskerProperties::withoutEmail);
        }
        return n;
    }

    @Property(tries = 300)
    void contentMaskingGivesValidJsonAndIsDeterministic(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        String[] pieces = {"ann@example.com", "4111 1111 1111 1111", "+1 415 555 0100", "123-45-6789", " ", "x", "\\\"",
            "é", "😀", "10.0.0.1", "\\u0040", "@", "-", "1"};
        StringBuilder sb = new StringBuilder("{\"t\":\"");
        int n = r.nextInt(12);
        // pieces glued together can form other numbers (a card followed by digits is no card), so separate them
        for (int i = 0; i < n; i++) {
            sb.append(pieces[r.nextInt(pieces.length)]).append(r.nextBoolean() ? " " : ", ");
        }
        sb.append("\",\"k\":[\"").append(pieces[r.nextInt(pieces.length)]).append("\"]}");
        String in = sb.toString();
        String a = mask(SCAN, in);
        assertThat(mask(SCAN, in)).isEqualTo(a);
        JsonNode t = JSON.readTree(a);
        assertThat(t.get("t").asText()).doesNotContain("ann@example.com", "4111 1111 1111 1111", "123-45-6789", "415 555 0100");
    }
}
