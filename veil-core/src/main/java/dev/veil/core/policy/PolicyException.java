package dev.veil.core.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be used, with every problem found (not just the first). */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in policy:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public PolicyException(PolicyProblem problem) {
        this(List.of(problem));
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
