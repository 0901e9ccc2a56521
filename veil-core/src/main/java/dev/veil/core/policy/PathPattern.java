package dev.veil.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A field path rule such as {@code customer.email}, {@code items[*].card} or {@code **.ssn}.
 *
 * <p>Steps are object member names; {@code *} matches exactly one name and {@code **} any number of names
 * (zero included). Array elements are not steps: a value inside an array has the path of the array, so
 * {@code items[*].card} and {@code items.card} are the same rule and {@code [*]} only documents that
 * {@code items} holds an array.
 */
public final class PathPattern {
    /** One step of a pattern. */
    public sealed interface Step {
    }

    /** An exact member name. */
    public record Name(String name) implements Step {
    }

    /** {@code *}: exactly one member name. */
    public record AnyName() implements Step {
    }

    /** {@code **}: any number of member names. */
    public record AnyDepth() implements Step {
    }

    private final String text;
    private final List<Step> steps;

    private PathPattern(String text, List<Step> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    /** How specific the pattern is: literal names count most; used to pick between overlapping rules. */
    public int specificity() {
        int s = 0;
        for (Step st : steps) {
            s += st instanceof Name ? 4 : st instanceof AnyName ? 2 : 0;
        }
        return s;
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException with a message fit for a policy error
     */
    public static PathPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty path");
        }
        List<Step> steps = new ArrayList<>();
        for (String part : text.split("\\.", -1)) {
            String p = part;
            while (p.endsWith("[*]")) {
                p = p.substring(0, p.length() - 3);
            }
            if (p.indexOf('[') >= 0 || p.indexOf(']') >= 0) {
                throw new IllegalArgumentException("'" + part + "': only [*] may follow a name (array elements"
                        + " are not path steps; indices are not supported)");
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty step in path (two dots, or a leading or trailing dot)");
            }
            if (p.equals("**")) {
                if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof AnyDepth) {
                    continue;
                }
                steps.add(new AnyDepth());
            } else if (p.equals("*")) {
                steps.add(new AnyName());
            } else if (p.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'" + p + "': * and ** must be a whole step");
            } else {
                steps.add(new Name(p));
            }
        }
        if (steps.get(steps.size() - 1) instanceof AnyDepth) {
            throw new IllegalArgumentException("a path cannot end with ** (name the field, or use * for one level)");
        }
        return new PathPattern(text, steps);
    }

    /** Whether this pattern matches the concrete path {@code names} (member names from the root). */
    public boolean matches(List<String> names) {
        return matches(0, names, 0);
    }

    private boolean matches(int step, List<String> names, int at) {
        if (step == steps.size()) {
            return at == names.size();
        }
        Step st = steps.get(step);
        if (st instanceof AnyDepth) {
            for (int i = at; i <= names.size(); i++) {
                if (matches(step + 1, names, i)) {
                    return true;
                }
            }
            return false;
        }
        if (at == names.size()) {
            return false;
        }
        return (st instanceof AnyName || ((Name) st).name().equals(names.get(at))) && matches(step + 1, names, at + 1);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern p && p.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }
}
