package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The egress leak guard and the undeclared-PII (schema drift) signal of {@link JsonMasker}. */
class LeakGuardTest {
    private static String policy(String guard, String strings) {
        return header() + """
                fields:
                  customer.email: EMAIL
                  customer.name: PERSON_NAME
                  customer.ssn: US_SSN
                  ref: NONE
                scan:
                  strings: %s
                  leak_guard: %s
                segments:
                  analytics:
                    actions:
                      EMAIL: hash
                      US_SSN: drop
                      default: redact
                  support:
                    actions:
                      EMAIL: keep
                      default: redact
                """.formatted(strings, guard);
    }

    private static Views mask(JsonMasker m, String json) throws RecordException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return m.mask(b, 0, b.length);
    }

    private static String view(Views v, int s) {
        return new String(v.toBytes(s), StandardCharsets.UTF_8);
    }

    @Test
    void everyValueIsGuardedHoweverManyTheRecordHolds() {
        JsonMasker m = new JsonMasker(plan(policy("block", "none")));
        StringBuilder sb = new StringBuilder("{\"customer\":{\"email\":[");
        for (int i = 0; i < 300; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(String.format("%04d.buyer@example.com", i)).append('"');
        }
        // the last of 300 distinct values, more than the prefix table holds at once, copied into a kept field
        sb.append("]},\"ref\":\"0299.buyer@example.com\"}");
        assertThatThrownBy(() -> mask(m, sb.toString())).isInstanceOf(RecordException.class)
                .hasMessageContaining("EMAIL");
    }

    @Test
    void literalsSayNothingAboutAnyoneAndAreNotGuarded() throws Exception {
        JsonMasker m = new JsonMasker(plan(policy("block", "none")));
        // a classified flag redacted while the same literal stands in a kept field: no leak, the record flows
        Views v = mask(m, "{\"customer\":{\"name\":false,\"ssn\":null},\"ref\":false,\"other\":null}");
        assertThat(view(v, 0)).contains("\"ref\":false");
        // a number is guarded like a string
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"ssn\":123456789},\"ref\":123456789}"))
                .isInstanceOf(RecordException.class).hasMessageContaining("US_SSN");
    }

    @Test
    void aMaskedValueCopiedIntoAFieldDeclaredNotPersonalHoldsTheRecordBack() {
        JsonMasker m = new JsonMasker(plan(policy("block", "none")));
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"email\":\"ana.lima@example.com\"},\"ref\":\"ana.lima@example.com\"}"))
                .isInstanceOfSatisfying(RecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RecordException.Reason.LEAK);
                    assertThat(e.getMessage()).contains("EMAIL", "'analytics'").doesNotContain("ana.lima");
                });
    }

    @Test
    void aNameQuotedInTextNothingScansIsCaughtAsAWholeWordOnly() throws Exception {
        JsonMasker m = new JsonMasker(plan(policy("block", "none")));
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"name\":\"Oluwaseun Adeyemi\"},\"note\":\"called Oluwaseun Adeyemi today\"}"))
                .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.reason()).isEqualTo(RecordException.Reason.LEAK));
        // part of a longer word is not the value
        Views v = mask(m, "{\"customer\":{\"name\":\"Anna\"},\"note\":\"Annabel and Joanna\"}");
        assertThat(view(v, 0)).isEqualTo("{\"customer\":{\"name\":\"[PERSON_NAME]\"},\"note\":\"Annabel and Joanna\"}");
        // shorter than four bytes is not looked for
        v = mask(m, "{\"customer\":{\"name\":\"Li\"},\"note\":\"Li\"}");
        assertThat(view(v, 0)).isEqualTo("{\"customer\":{\"name\":\"[PERSON_NAME]\"},\"note\":\"Li\"}");
        // nor a short number (a zip code recurring in a SKU), while a long one is
        v = mask(m, "{\"customer\":{\"ssn\":\"23209\"},\"sku\":\"SKU-23209\"}");
        assertThat(view(v, 1)).isEqualTo("{\"customer\":{\"ssn\":\"[US_SSN]\"},\"sku\":\"SKU-23209\"}");
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"ssn\":\"123456789\"},\"sku\":\"SKU-123456789\"}"))
                .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.reason()).isEqualTo(RecordException.Reason.LEAK));
    }

    @Test
    void aSegmentThatKeepsTheClassMayCarryIt() throws Exception {
        // support keeps EMAIL, analytics hashes it: the copy leaks in analytics only, and alert mode says so
        JsonMasker m = new JsonMasker(plan(policy("alert", "none")));
        Views v = mask(m, "{\"customer\":{\"email\":\"ana.lima@example.com\"},\"ref\":\"ana.lima@example.com\"}");
        assertThat(m.leaks()).singleElement().satisfies(l -> {
            assertThat(l.segment()).isEqualTo("analytics");
            assertThat(l.dataClass().name()).isEqualTo("EMAIL");
            assertThat(l.offset()).isEqualTo(52);
        });
        assertThat(view(v, 1)).contains("\"ref\":\"ana.lima@example.com\"");
        // the next record starts clean
        mask(m, "{\"customer\":{\"email\":\"ana.lima@example.com\"}}");
        assertThat(m.leaks()).isEmpty();
    }

    @Test
    void aDroppedValueMustNotSurviveElsewhere() {
        JsonMasker m = new JsonMasker(plan(policy("block", "none")));
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"ssn\":\"123-45-6789\"},\"items\":[{\"memo\":\"x 123-45-6789\"}]}"))
                .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.reason()).isEqualTo(RecordException.Reason.LEAK));
    }

    @Test
    void textWhereOtherSpansWereMaskedIsSearchedToo() {
        // the note is rewritten (its email masked), and the rest of its text, a name from a ruled field, is a copy
        JsonMasker m = new JsonMasker(plan(header() + """
                fields:
                  customer.nick: PERSON_NAME
                scan:
                  strings: unclassified
                  field_names: false
                segments:
                  a:
                    actions:
                      default: redact
                """));
        assertThatThrownBy(() -> mask(m, "{\"customer\":{\"nick\":\"Zorblaxx\"},\"note\":\"ask Zorblaxx, or write to ana.lima@example.com\"}"))
                .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.getMessage()).contains("other spans were masked"));
    }

    @Test
    void nothingIsHeldBackWhenEveryCopyIsMaskedOrTheGuardIsOff() throws Exception {
        JsonMasker m = new JsonMasker(plan(policy("block", "all")));
        Views v = mask(m, "{\"customer\":{\"email\":\"ana.lima@example.com\"},\"note\":\"mail ana.lima@example.com\"}");
        assertThat(view(v, 0)).doesNotContain("ana.lima@example.com");
        JsonMasker off = new JsonMasker(plan(policy("off", "none")));
        v = mask(off, "{\"customer\":{\"email\":\"ana.lima@example.com\"},\"ref\":\"ana.lima@example.com\"}");
        assertThat(view(v, 0)).contains("\"ref\":\"ana.lima@example.com\"");
        assertThat(off.leaks()).isEmpty();
    }

    @Test
    void aGrantsLiftedPlanHasNoGuard() {
        Plan p = plan(policy("block", "none"));
        assertThat(p.leakGuard().name()).isEqualTo("BLOCK");
        assertThat(p.lifted(1, java.util.Set.of(), List.of()).leakGuard().name()).isEqualTo("OFF");
    }

    @Test
    void sensitiveValuesAtPathsNoRuleNamesAreReportedOncePerPathAndClass() throws Exception {
        JsonMasker m = new JsonMasker(plan(policy("off", "all")));
        List<String> seen = new ArrayList<>();
        m.onDrift((path, c, byName) -> seen.add(path + " " + c.name() + (byName ? " by name" : " by content")));
        String rec = "{\"customer\":{\"email\":\"ana.lima@example.com\",\"contact_email\":\"bo@example.org\"},"
                + "\"items\":[{\"memo\":\"reach me at +1 415 555 0132 or bo@example.org\"}],\"ref\":\"x@example.org\"}";
        mask(m, rec);
        mask(m, rec);
        assertThat(seen).containsExactlyInAnyOrder("customer.contact_email EMAIL by name", "items[*].memo PHONE by content",
                "items[*].memo EMAIL by content");
    }
}
