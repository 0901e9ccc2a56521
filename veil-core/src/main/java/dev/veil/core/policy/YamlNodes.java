package dev.veil.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Typed reading of a YAML node tree that records every problem with its file, line, column and key. */
final class YamlNodes {
    /** A value node together with the key path that leads to it. */
    record At(String key, Node node, Node keyNode) {
        At(String key, Node node) {
            this(key, node, null);
        }
    }

    private final String file;
    private final List<PolicyProblem> problems = new ArrayList<>();

    YamlNodes(String file) {
        this.file = file;
    }

    List<PolicyProblem> problems() {
        return problems;
    }

    Location where(At at) {
        return where(at.node(), at.key());
    }

    /** The position of the key of a mapping entry (falls back to its value). */
    Location whereKey(At at) {
        return where(at.keyNode() != null ? at.keyNode() : at.node(), at.key());
    }

    Location where(Node n, String key) {
        int line = 1;
        int col = 1;
        if (n != null) {
            Mark m = n.getStartMark().orElse(null);
            if (m != null) {
                line = m.getLine() + 1;
                col = m.getColumn() + 1;
            }
        }
        return new Location(file, line, col, key);
    }

    void error(At at, String message) {
        problems.add(new PolicyProblem(where(at), message));
    }

    void error(Location where, String message) {
        problems.add(new PolicyProblem(where, message));
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    boolean isNull(At at) {
        return at.node() instanceof ScalarNode s && isNullText(s) && s.isPlain();
    }

    private static boolean isNullText(ScalarNode s) {
        String v = s.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    /**
     * Reads a mapping, reporting duplicate keys, non-scalar keys and keys outside {@code allowed} (null: any key).
     * Returns null (after reporting) when the node is not a mapping.
     */
    Map<String, At> mapping(At at, Set<String> allowed) {
        if (!(at.node() instanceof MappingNode m)) {
            error(at, "expected a mapping (key: value lines), found " + kind(at.node()));
            return null;
        }
        Map<String, At> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(new At(at.key(), t.getKeyNode()), "keys must be plain text");
                continue;
            }
            String name = k.getValue();
            String path = child(at.key(), name);
            if (out.containsKey(name)) {
                Location first = where(out.get(name).node(), path);
                error(where(k, path), "duplicate key (first defined on line " + first.line() + ")");
                continue;
            }
            if (allowed != null && !allowed.contains(name)) {
                error(where(k, path), "unknown key '" + name + "'" + suggest(name, allowed));
                continue;
            }
            out.put(name, new At(path, t.getValueNode(), k));
        }
        return out;
    }

    List<At> sequence(At at) {
        if (!(at.node() instanceof SequenceNode s)) {
            error(at, "expected a list, found " + kind(at.node()));
            return null;
        }
        List<At> out = new ArrayList<>();
        int i = 0;
        for (Node n : s.getValue()) {
            out.add(new At(at.key() + "[" + i++ + "]", n));
        }
        return out;
    }

    String string(At at) {
        if (at.node() instanceof ScalarNode s && !(s.isPlain() && isNullText(s))) {
            return s.getValue();
        }
        error(at, "expected text, found " + kind(at.node()));
        return null;
    }

    List<String> strings(At at) {
        List<At> items = sequence(at);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (At item : items) {
            String s = string(item);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    Boolean bool(At at) {
        if (at.node() instanceof ScalarNode s && s.isPlain()) {
            switch (s.getValue()) {
                case "true", "True", "TRUE" -> {
                    return Boolean.TRUE;
                }
                case "false", "False", "FALSE" -> {
                    return Boolean.FALSE;
                }
                default -> { }
            }
        }
        error(at, "expected true or false");
        return null;
    }

    Integer integer(At at, int min, int max) {
        if (at.node() instanceof ScalarNode s && s.isPlain()) {
            try {
                int v = Integer.parseInt(s.getValue());
                if (v >= min && v <= max) {
                    return v;
                }
                error(at, "must be between " + min + " and " + max + ", found " + v);
                return null;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        error(at, "expected a whole number between " + min + " and " + max);
        return null;
    }

    Double number(At at, double min, double max) {
        if (at.node() instanceof ScalarNode s && s.isPlain()) {
            try {
                // BigDecimal: plain decimal notation only (Double.parseDouble would take "10d", "0x1p3", "Infinity")
                double v = new java.math.BigDecimal(s.getValue()).doubleValue();
                if (v >= min && v <= max && !Double.isNaN(v)) {
                    return v;
                }
                error(at, "must be between " + min + " and " + max + ", found " + s.getValue());
                return null;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        error(at, "expected a number between " + min + " and " + max);
        return null;
    }

    /** Reads a scalar that must be one of {@code choices}. */
    String choice(At at, List<String> choices) {
        String s = string(at);
        if (s == null) {
            return null;
        }
        if (!choices.contains(s)) {
            error(at, "'" + s + "' is not one of " + String.join(", ", choices) + suggest(s, choices));
            return null;
        }
        return s;
    }

    static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (n instanceof ScalarNode s) {
            return s.isPlain() && isNullText(s) ? "nothing" : "text";
        }
        return "nothing";
    }

    /** " (did you mean 'x'?)" when a candidate is close enough, else "". */
    static String suggest(String given, Iterable<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        if (best != null && bestD <= Math.max(1, Math.min(3, given.length() / 3))) {
            return " (did you mean '" + best + "'?)";
        }
        return "";
    }

    /** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i][j - 1] + 1, d[i - 1][j] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
