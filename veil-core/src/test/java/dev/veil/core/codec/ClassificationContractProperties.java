package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.classify.FieldPaths;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * One precedence of classification everywhere: for generated records, every scalar the masker redacts is exactly
 * one that {@link FieldPaths#classify} gives a class, and with that class.
 */
class ClassificationContractProperties {
    private static final String[] KEYS = {"customer", "name", "email", "address", "zip", "id", "note", "product",
        "user", "contact_phone", "first.name", "items", "meta", "password", "\\u0065mail"};
    private static final Plan PLAN = plan(header() + "fields:\n  customer.id: NONE\n  \"**.note\": SECRET\n"
            + "  user: PERSON_NAME\n  meta.email: NONE\n  \"first.name\": IBAN\n"
            + "scan: {strings: none, leak_guard: off}\nsegments:\n  a:\n    actions:\n      default: redact\n");

    private static String record(Random r, int depth) {
        StringBuilder sb = new StringBuilder();
        value(r, depth, sb);
        return sb.toString();
    }

    private static void value(Random r, int depth, StringBuilder sb) {
        int k = depth <= 0 ? 2 + r.nextInt(3) : r.nextInt(5);
        switch (k) {
            case 0 -> {
                sb.append('{');
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":");
                    value(r, depth - 1, sb);
                }
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "");
                    value(r, depth - 1, sb);
                }
                sb.append(']');
            }
            case 2 -> sb.append("\"v").append(r.nextInt(1000)).append('"');
            case 3 -> sb.append(r.nextInt(1000));
            default -> sb.append(r.nextBoolean());
        }
    }

    private record Scalar(List<String> steps, JsonWalker.Kind kind, String value) {
    }

    private static List<Scalar> scalars(String json) throws RecordException {
        JsonWalker w = new JsonWalker(Limits.DEFAULT, false);
        List<Scalar> out = new ArrayList<>();
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        w.walk(b, 0, b.length, (path, name, kind, value) -> out.add(new Scalar(List.copyOf(w.steps()), kind, value)));
        return out;
    }

    @Property(tries = 500)
    void maskerAndFieldPathsAgree(@ForAll long seed) throws Exception {
        String in = record(new Random(seed), 5);
        byte[] b = in.getBytes(StandardCharsets.UTF_8);
        String out = new String(new JsonMasker(PLAN).mask(b, 0, b.length).toBytes(0), StandardCharsets.UTF_8);
        List<Scalar> before = scalars(in);
        List<Scalar> after = scalars(out);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            Scalar s = before.get(i);
            FieldPaths.Classification c = FieldPaths.classify(PLAN.paths(), PLAN.heuristics(), s.steps());
            boolean masked = c.dataClass() != null && !c.dataClass().isNone();
            String expected = masked ? "[" + c.dataClass().name() + "]" : s.value();
            assertThat(after.get(i).value()).as("%s in %s", s.steps(), in).isEqualTo(expected);
        }
    }
}
