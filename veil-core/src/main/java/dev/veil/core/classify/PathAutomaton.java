package dev.veil.core.classify;

import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.PathPattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The policy's path rules compiled into a deterministic automaton over member names.
 *
 * <p>Patterns only hold literal names, {@code *} and {@code **}, so from any state every name that no
 * pattern spells literally leads to the same next state: a state needs one hash lookup for its literals
 * and one "other" edge. The whole automaton is built once per policy; matching a path costs one lookup
 * per member name and allocates nothing.
 */
public final class PathAutomaton {
    /** Compiling stops here: overlapping wildcards can in principle blow up the subset construction. */
    static final int MAX_STATES = 20_000;

    /** One state; immutable after construction. */
    public static final class State {
        private Map<String, State> next = Map.of();
        private State other;
        // the literal names as UTF-8 bytes in an open-addressing table, for lookups straight from input bytes
        private byte[][] keys = new byte[0][];
        private State[] vals = new State[0];
        private int mask = -1;
        private final FieldRule accept;
        private final boolean dead;

        private State(FieldRule accept, boolean dead) {
            this.accept = accept;
            this.dead = dead;
        }

        /** The state after a member name. */
        public State next(String name) {
            if (dead) {
                return this;
            }
            State s = next.get(name);
            return s != null ? s : other;
        }

        /** The state after a member name given as unescaped UTF-8 bytes {@code b[off, off+len)}. */
        public State next(byte[] b, int off, int len) {
            if (dead || mask < 0) {
                return other;
            }
            int slot = hash(b, off, len) & mask;
            while (true) {
                byte[] k = keys[slot];
                if (k == null) {
                    return other;
                }
                if (k.length == len && java.util.Arrays.equals(k, 0, len, b, off, off + len)) {
                    return vals[slot];
                }
                slot = (slot + 1) & mask;
            }
        }

        private void index() {
            if (next.isEmpty()) {
                return;
            }
            int size = Integer.highestOneBit(next.size() * 4 - 1) << 1;
            keys = new byte[size][];
            vals = new State[size];
            mask = size - 1;
            for (Map.Entry<String, State> e : next.entrySet()) {
                byte[] k = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int slot = hash(k, 0, k.length) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = k;
                vals[slot] = e.getValue();
            }
        }

        /** Cheap on purpose: length and three bytes; collisions only cost an equals. */
        private static int hash(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int h = len * 0x9e3779b1 + b[off] * 31 + b[off + len - 1] * 961 + b[off + (len >> 1)];
            return h ^ (h >>> 16);
        }

        /** The most specific rule whose pattern ends here, or null. */
        public FieldRule rule() {
            return accept;
        }

        /** True when no rule can match below this point. */
        public boolean isDead() {
            return dead;
        }
    }

    private final State start;
    private final int stateCount;

    private PathAutomaton(State start, int stateCount) {
        this.start = start;
        this.stateCount = stateCount;
    }

    public State start() {
        return start;
    }

    int stateCount() {
        return stateCount;
    }

    /**
     * Compiles rules.
     *
     * @throws IllegalArgumentException when the rules would need more than {@value #MAX_STATES} states
     */
    public static PathAutomaton compile(List<FieldRule> rules) {
        List<List<PathPattern.Step>> pats = new ArrayList<>();
        for (FieldRule r : rules) {
            pats.add(r.path().steps());
        }
        Map<String, State> byKey = new HashMap<>();
        Map<State, int[]> sets = new HashMap<>();
        Deque<State> work = new ArrayDeque<>();
        State dead = new State(null, true);
        dead.other = dead;
        byKey.put("", dead);

        int[] initial = closure(pats, allStarts(pats.size()));
        State start = intern(initial, rules, pats, byKey, sets, work, dead);
        while (!work.isEmpty()) {
            State s = work.poll();
            int[] set = sets.get(s);
            TreeSet<String> literals = new TreeSet<>();
            for (int nfa : set) {
                int pi = nfa >>> 16;
                int pos = nfa & 0xffff;
                if (pos < pats.get(pi).size() && pats.get(pi).get(pos) instanceof PathPattern.Name n) {
                    literals.add(n.name());
                }
            }
            Map<String, State> next = new HashMap<>();
            for (String lit : literals) {
                next.put(lit, intern(step(pats, set, lit), rules, pats, byKey, sets, work, dead));
            }
            s.next = Map.copyOf(next);
            s.index();
            s.other = intern(step(pats, set, null), rules, pats, byKey, sets, work, dead);
            if (byKey.size() > MAX_STATES) {
                throw new IllegalArgumentException("the field rules overlap too much (more than " + MAX_STATES
                        + " path states); use fewer ** patterns");
            }
        }
        return new PathAutomaton(start, byKey.size());
    }

    private static int[] allStarts(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i << 16;
        }
        return s;
    }

    /** Moves every NFA state over one name ({@code null}: a name no pattern spells). */
    private static int[] step(List<List<PathPattern.Step>> pats, int[] set, String name) {
        int[] out = new int[set.length * 2];
        int n = 0;
        for (int nfa : set) {
            int pi = nfa >>> 16;
            int pos = nfa & 0xffff;
            List<PathPattern.Step> p = pats.get(pi);
            if (pos >= p.size()) {
                continue;
            }
            PathPattern.Step st = p.get(pos);
            if (st instanceof PathPattern.AnyDepth) {
                out[n++] = nfa;
            } else if (st instanceof PathPattern.AnyName
                    || (name != null && st instanceof PathPattern.Name nm && nm.name().equals(name))) {
                out[n++] = (pi << 16) | (pos + 1);
            }
        }
        return closure(pats, Arrays.copyOf(out, n));
    }

    /** Adds the states reachable by letting a {@code **} match nothing. */
    private static int[] closure(List<List<PathPattern.Step>> pats, int[] set) {
        TreeSet<Integer> all = new TreeSet<>();
        Deque<Integer> todo = new ArrayDeque<>();
        for (int s : set) {
            if (all.add(s)) {
                todo.add(s);
            }
        }
        while (!todo.isEmpty()) {
            int nfa = todo.poll();
            int pi = nfa >>> 16;
            int pos = nfa & 0xffff;
            List<PathPattern.Step> p = pats.get(pi);
            if (pos < p.size() && p.get(pos) instanceof PathPattern.AnyDepth) {
                int skip = (pi << 16) | (pos + 1);
                if (all.add(skip)) {
                    todo.add(skip);
                }
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private static State intern(int[] set, List<FieldRule> rules, List<List<PathPattern.Step>> pats,
                                Map<String, State> byKey, Map<State, int[]> sets, Deque<State> work, State dead) {
        if (set.length == 0) {
            return dead;
        }
        String key = Arrays.toString(set);
        State s = byKey.get(key);
        if (s != null) {
            return s;
        }
        FieldRule best = null;
        for (int nfa : set) {
            int pi = nfa >>> 16;
            int pos = nfa & 0xffff;
            if (pos == pats.get(pi).size()) {
                FieldRule r = rules.get(pi);
                if (best == null || r.path().specificity() > best.path().specificity()) {
                    best = r;
                }
            }
        }
        s = new State(best, false);
        byKey.put(key, s);
        sets.put(s, set);
        work.add(s);
        return s;
    }
}
