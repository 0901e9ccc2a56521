package dev.veil.core.engine;

import dev.veil.core.action.Action;
import dev.veil.core.action.Actions;
import dev.veil.core.classify.NameHeuristics;
import dev.veil.core.classify.PathAutomaton;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.PathPattern;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.ScanSpec;
import dev.veil.core.policy.SegmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A policy compiled for a set of segments: path automaton, heuristics, detectors and one resolved action
 * per class per segment. Immutable and thread-safe; the per-record path only reads it.
 */
public final class Plan {
    private final Policy policy;
    private final List<String> segments;
    private final Action[][] actions;
    private final boolean[] anyDrop;
    private final PathAutomaton paths;
    private final NameHeuristics heuristics;
    private final DetectorSet detectors;
    private final ScanSpec.Strings strings;
    private final Limits limits;
    private final ScanSpec.LeakGuard leakGuard;

    private Plan(Policy policy, List<String> segments, Action[][] actions, Limits limits) {
        this(policy, segments, actions, limits, PathAutomaton.compile(policy.fields()),
                policy.scan().strings() == ScanSpec.Strings.NONE ? null : DetectorSet.forPolicy(policy),
                policy.scan().leakGuard());
    }

    private Plan(Policy policy, List<String> segments, Action[][] actions, Limits limits, PathAutomaton paths,
                 DetectorSet detectors, ScanSpec.LeakGuard leakGuard) {
        this.leakGuard = leakGuard;
        this.policy = policy;
        this.segments = List.copyOf(segments);
        this.actions = actions;
        this.paths = paths;
        this.heuristics = policy.scan().fieldNames() ? new NameHeuristics() : null;
        this.strings = policy.scan().strings();
        this.detectors = detectors;
        this.limits = limits;
        int classes = policy.classTable().size();
        this.anyDrop = new boolean[classes];
        for (Action[] seg : actions) {
            for (int c = 0; c < classes; c++) {
                anyDrop[c] |= seg[c].kind() == Action.Kind.DROP;
            }
        }
    }

    /**
     * Compiles a policy for the named segments (all of them when {@code segments} is empty).
     *
     * @throws PlanException when a segment is unknown or a key cannot be loaded
     */
    public static Plan compile(Policy policy, List<String> segments, KeyRing keys, Limits limits) throws PlanException {
        List<String> names = segments.isEmpty() ? new ArrayList<>(policy.segments().keySet()) : segments;
        List<DataClass> classes = policy.classTable().classes();
        Action[][] actions = new Action[names.size()][classes.size()];
        for (int s = 0; s < names.size(); s++) {
            SegmentSpec seg = policy.segment(names.get(s));
            if (seg == null) {
                throw new PlanException("no segment '" + names.get(s) + "' in policy " + policy.name()
                        + "; it has: " + String.join(", ", policy.segments().keySet()));
            }
            for (DataClass c : classes) {
                try {
                    actions[s][c.id()] = Actions.compile(seg.actionFor(c), c, keys);
                } catch (KeyException e) {
                    throw new PlanException(e.getMessage());
                }
            }
        }
        try {
            return new Plan(policy, names, actions, limits);
        } catch (IllegalArgumentException e) {
            throw new PlanException(policy.source() + ": fields: " + e.getMessage());
        }
    }

    /**
     * Loads a policy file and compiles it for {@code segments}, with the keys its {@code keys:} names (the master key
     * from the environment) and the default limits: what every in-process integration (Connect, Flink, logging) needs.
     */
    public static Plan load(java.nio.file.Path policyFile, List<String> segments)
            throws java.io.IOException, dev.veil.core.policy.PolicyException, PlanException {
        Policy policy = dev.veil.core.policy.PolicyLoader.load(policyFile);
        return compile(policy, segments, KeyRing.of(policy.keys()), Limits.DEFAULT);
    }

    /**
     * The plan of one segment with masking lifted by grants: values of {@code keepClasses} pass through, and so do
     * values at {@code keepFields} (those paths become NONE for this plan, which wins over every less specific rule
     * and skips content detection there). Everything else is masked exactly as in segment {@code s}.
     *
     * <p>The lifted plan has no leak guard: the record already passed the guard under the full plan, and what a
     * grant lets through (a field's value, which may recur masked elsewhere) is an authorized, audited exposure.
     */
    public Plan lifted(int s, Set<DataClass> keepClasses, List<PathPattern> keepFields) {
        Action[][] one = new Action[1][];
        one[0] = actions[s].clone();
        for (DataClass c : keepClasses) {
            if (c.id() >= 0) {
                one[0][c.id()] = Actions.keep();
            }
        }
        PathAutomaton p = paths;
        if (!keepFields.isEmpty()) {
            List<FieldRule> rules = new ArrayList<>();
            for (PathPattern f : keepFields) {
                // first, so that on equal specificity the grant's rule is the one picked
                rules.add(new FieldRule(f, DataClass.NONE, null));
            }
            rules.addAll(policy.fields());
            p = PathAutomaton.compile(rules);
        }
        return new Plan(policy, List.of(segments.get(s)), one, limits, p, detectors, ScanSpec.LeakGuard.OFF);
    }

    public Policy policy() {
        return policy;
    }

    /** The segments this plan produces views for, in view order. */
    public List<String> segments() {
        return segments;
    }

    /** The action of segment index {@code s} for class {@code c}. */
    public Action action(int s, DataClass c) {
        return actions[s][c.id()];
    }

    /** Whether any segment drops fields of class {@code c}. */
    public boolean anyDrop(DataClass c) {
        return anyDrop[c.id()];
    }

    public PathAutomaton paths() {
        return paths;
    }

    /** Field-name heuristics, or null when the policy turned them off. */
    public NameHeuristics heuristics() {
        return heuristics;
    }

    /** Content detectors, or null when {@code scan.strings} is none. */
    public DetectorSet detectors() {
        return detectors;
    }

    public ScanSpec.Strings scanStrings() {
        return strings;
    }

    /** What the egress check does with a sensitive value left unmasked in a view (see {@link ScanSpec.LeakGuard}). */
    public ScanSpec.LeakGuard leakGuard() {
        return leakGuard;
    }

    public Limits limits() {
        return limits;
    }
}
