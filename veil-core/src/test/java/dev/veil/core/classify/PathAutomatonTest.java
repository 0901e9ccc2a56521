package dev.veil.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.Location;
import dev.veil.core.policy.PathPattern;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathAutomatonTest {
    private static final Location L = new Location("t", 1, 1, "k");

    private static PathAutomaton compile(Object... pathAndClass) {
        List<FieldRule> rules = new ArrayList<>();
        for (int i = 0; i < pathAndClass.length; i += 2) {
            rules.add(new FieldRule(PathPattern.parse((String) pathAndClass[i]), (DataClass) pathAndClass[i + 1], L));
        }
        return PathAutomaton.compile(rules);
    }

    private static DataClass match(PathAutomaton a, String... names) {
        PathAutomaton.State s = a.start();
        for (String n : names) {
            s = s.next(n);
        }
        return s.rule() == null ? null : s.rule().dataClass();
    }

    @Test
    void literalOneLevelAndAnyDepth() {
        PathAutomaton a = compile("customer.email", DataClass.EMAIL, "*.phone", DataClass.PHONE, "**.ssn", DataClass.US_SSN,
                "a.**.b.c", DataClass.IBAN);
        assertThat(match(a, "customer", "email")).isEqualTo(DataClass.EMAIL);
        assertThat(match(a, "customer", "emails")).isNull();
        assertThat(match(a, "email")).isNull();
        assertThat(match(a, "x", "phone")).isEqualTo(DataClass.PHONE);
        assertThat(match(a, "phone")).isNull();
        assertThat(match(a, "x", "y", "phone")).isNull();
        assertThat(match(a, "ssn")).isEqualTo(DataClass.US_SSN);
        assertThat(match(a, "p", "q", "r", "ssn")).isEqualTo(DataClass.US_SSN);
        assertThat(match(a, "a", "b", "c")).isEqualTo(DataClass.IBAN);
        assertThat(match(a, "a", "x", "b", "b", "c")).isEqualTo(DataClass.IBAN);
        assertThat(match(a, "a", "b", "c", "d")).isNull();
    }

    @Test
    void arrayMarkersAreNotSteps() {
        assertThat(PathPattern.parse("items[*].card")).isEqualTo(PathPattern.parse("items.card"));
        PathAutomaton a = compile("items[*].card", DataClass.CREDIT_CARD);
        assertThat(match(a, "items", "card")).isEqualTo(DataClass.CREDIT_CARD);
    }

    @Test
    void mostSpecificRuleWins() {
        PathAutomaton a = compile("**.id", DataClass.US_SSN, "*.id", DataClass.EMAIL, "user.id", DataClass.NONE);
        assertThat(match(a, "user", "id")).isEqualTo(DataClass.NONE);
        assertThat(match(a, "order", "id")).isEqualTo(DataClass.EMAIL);
        assertThat(match(a, "id")).isEqualTo(DataClass.US_SSN);
    }

    @Test
    void deadStatesStayDead() {
        PathAutomaton a = compile("a.b", DataClass.EMAIL);
        PathAutomaton.State s = a.start().next("x");
        assertThat(s.isDead()).isTrue();
        assertThat(s.next("a").next("b").rule()).isNull();
    }

    @Test
    void explodingWildcardsAreRefused() {
        Object[] rules = new Object[2 * 24];
        for (int i = 0; i < 24; i++) {
            rules[2 * i] = "**.n" + i + ".**.m" + i + ".**.k" + i;
            rules[2 * i + 1] = DataClass.EMAIL;
        }
        assertThatThrownBy(() -> compile(rules)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlap too much");
    }
}
