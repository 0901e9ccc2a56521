package dev.veil.core.classify;

import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import java.util.List;

/**
 * The class of the value at a path, by the precedence every codec applies, strongest first: a rule on its own
 * path (NONE included); a rule on an enclosing member; the field-name heuristics on its own name (a bare
 * {@code name} counts when its parent's name holds a person); the heuristics on an enclosing member.
 *
 * <p>This is the reference for analysis ({@code veil scan}); the JSON masker applies the same steps member by
 * member on its own stack, without allocating, and a contract test holds the two to the same answers.
 */
public final class FieldPaths {
    private FieldPaths() {
    }

    /** How a class was decided. */
    public enum Source { RULE, NAME, NONE }

    /** The class of a value (null: none) and what decided it. */
    public record Classification(DataClass dataClass, Source source) {
    }

    /**
     * Classifies the value at {@code names} (member names from the root; array elements are not steps).
     *
     * @param heuristics null when the policy turned field-name heuristics off
     */
    public static Classification classify(PathAutomaton paths, NameHeuristics heuristics, List<String> names) {
        PathAutomaton.State st = paths.start();
        DataClass cls = null;
        Source source = Source.NONE;
        boolean holds = false;
        for (String name : names) {
            st = st.next(name);
            FieldRule rule = st.rule();
            boolean parentHolds = holds;
            holds = false;
            if (rule != null) {
                cls = rule.dataClass();
                source = Source.RULE;
            } else if (source != Source.RULE && heuristics != null) {
                NameHeuristics.Verdict v = heuristics.verdict(name);
                holds = v.holdsPerson();
                DataClass h = v.classIn(parentHolds);
                if (h != null) {
                    cls = h;
                    source = Source.NAME;
                }
            }
        }
        return new Classification(cls, source);
    }
}
