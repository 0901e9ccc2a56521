package dev.veil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternTest {
    private static boolean m(String pattern, String... path) {
        return PathPattern.parse(pattern).matches(List.of(path));
    }

    @Test
    void namesMatchExactlyAndArraysAreNoSteps() {
        assertThat(m("customer.email", "customer", "email")).isTrue();
        assertThat(m("items[*].card", "items", "card")).isTrue();
        assertThat(m("customer.email", "customer")).isFalse();
        assertThat(m("customer.email", "customer", "email", "x")).isFalse();
        assertThat(m("customer.email", "Customer", "email")).isFalse();
    }

    @Test
    void oneStarIsOneNameAndTwoStarsAnyNumber() {
        assertThat(m("*.email", "customer", "email")).isTrue();
        assertThat(m("*.email", "email")).isFalse();
        assertThat(m("**.ssn", "ssn")).isTrue();
        assertThat(m("**.ssn", "a", "b", "c", "ssn")).isTrue();
        assertThat(m("**.ssn", "a", "ssn", "x")).isFalse();
        assertThat(m("a.**.b.*", "a", "x", "b", "y")).isTrue();
        assertThat(m("a.**.b.*", "a", "b")).isFalse();
    }
}
