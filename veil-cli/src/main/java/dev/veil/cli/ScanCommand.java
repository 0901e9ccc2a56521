package dev.veil.cli;

import dev.veil.core.classify.FieldPaths;
import dev.veil.core.classify.NameHeuristics;
import dev.veil.core.classify.PathAutomaton;
import dev.veil.core.codec.JsonWalker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.engine.Limits;
import dev.veil.core.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code veil scan}: a data map of a sample of JSON lines — per field path, how the policy classifies it, which
 * classes content detection finds in it and how often — and the fields that carry PII without a rule.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Map where PII is in a sample of JSON lines, field by field, against a policy.",
            "Lists each field path with how the policy classifies it and what content detection finds in it,",
            "and flags fields that carry PII without a rule. --suggest prints the fields: lines to add.",
            "Exit: 0 ok, 1 invalid policy, 2 usage, 3 I/O error."})
final class ScanCommand implements Callable<Integer> {
    /** A field is suggested as one class when that class is found in this share of its values... */
    private static final double SUGGEST_SHARE = 0.8;
    /** ...and findings cover this share of the value's characters (the value is the PII, not text around it). */
    private static final double SUGGEST_COVER = 0.7;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE", description = "The policy to check against.")
    Path policyFile;

    @Option(names = "--suggest", description = "Print the policy fields: lines for PII fields without a rule.")
    boolean suggest;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Read at most N records (0: all).")
    long limit;

    @Parameters(paramLabel = "IN", arity = "0..*", description = "JSON lines files; '-' or none: standard input.")
    List<String> inputs = new ArrayList<>();

    /** One scalar of a record: its path, its member names, and its text when it is a string. */
    private record Seen(String path, List<String> steps, String string) {
    }

    /** What was seen at one field path. */
    static final class Field {
        final String path;
        final String declared;
        final boolean ruled;
        long values;
        final Map<String, long[]> found = new LinkedHashMap<>(); // class -> {values with it, covered chars, chars}
        final Map<String, Double> scores = new HashMap<>();

        Field(String path, String declared, boolean ruled) {
            this.path = path;
            this.declared = declared;
            this.ruled = ruled;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Policy policy = PolicyCommand.load(policyFile, err);
        if (policy == null) {
            return ExitCodes.INVALID_POLICY;
        }
        PathAutomaton paths = PathAutomaton.compile(policy.fields());
        NameHeuristics heuristics = policy.scan().fieldNames() ? new NameHeuristics() : null;
        DetectorSet detectors = DetectorSet.forPolicy(policy);
        JsonWalker walker = new JsonWalker(Limits.DEFAULT, true);
        Map<String, Field> fields = new LinkedHashMap<>();
        long records = 0;
        long refused = 0;
        List<String> ins = inputs.isEmpty() ? List.of("-") : inputs;
        try {
            for (String in : ins) {
                try (InputStream is = in.equals("-") ? System.in : Files.newInputStream(Path.of(in))) {
                    LineReader r = new LineReader(is, Limits.DEFAULT_MAX_RECORD_BYTES);
                    while (r.next() && (limit <= 0 || records < limit)) {
                        if (r.oversize || r.blank()) {
                            refused += r.oversize ? 1 : 0;
                            continue;
                        }
                        // gather first: a record that turns out unreadable halfway must not count
                        List<Seen> seen = new ArrayList<>();
                        try {
                            walker.walk(r.lineBuf, r.off, r.len, (path, name, kind, value) -> {
                                if (kind != JsonWalker.Kind.NULL) {
                                    seen.add(new Seen(path.toString(), List.copyOf(walker.steps()),
                                            kind == JsonWalker.Kind.STRING ? value : null));
                                }
                            });
                        } catch (RecordException e) {
                            refused++;
                            continue;
                        }
                        records++;
                        for (Seen v : seen) {
                            Field f = fields.computeIfAbsent(v.path(), k -> classify(k, v.steps(), paths, heuristics));
                            f.values++;
                            if (v.string() != null && !"NONE".equals(f.declared)) {
                                record(f, v.string(), detectors.scan(v.string()));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            err.println("veil scan: cannot read input: " + e.getClass().getSimpleName());
            return ExitCodes.IO;
        }
        report(out, fields, records, refused, policy);
        return ExitCodes.OK;
    }

    /** How the policy classifies a field, by the same precedence as the masker (FieldPaths). */
    private static Field classify(String path, List<String> names, PathAutomaton paths, NameHeuristics heuristics) {
        FieldPaths.Classification c = FieldPaths.classify(paths, heuristics, names);
        return switch (c.source()) {
            case RULE -> new Field(path, c.dataClass().name(), true);
            case NAME -> new Field(path, c.dataClass().name() + " (name)", false);
            case NONE -> new Field(path, "-", false);
        };
    }

    private static void record(Field f, String value, List<Finding> findings) {
        Map<String, Integer> covered = new LinkedHashMap<>();
        for (Finding x : findings) {
            covered.merge(x.dataClass().name(), x.length(), Integer::sum);
            f.scores.merge(x.dataClass().name(), x.score(), Math::max);
        }
        covered.forEach((cls, chars) -> {
            long[] c = f.found.computeIfAbsent(cls, k -> new long[3]);
            c[0]++;
            c[1] += chars;
            c[2] += value.length();
        });
    }

    private void report(PrintWriter out, Map<String, Field> fields, long records, long refused, Policy policy) {
        out.printf(Locale.ROOT, "veil scan: %,d records, %,d field paths, policy %s@%s%s%n", records, fields.size(),
                policy.name(), policy.shortVersion(), refused > 0 ? String.format(Locale.ROOT, " (%,d records unreadable, skipped)", refused) : "");
        out.println();
        int w = Math.max(5, fields.keySet().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + w + "s  %8s  %-22s  %s%n", "FIELD", "VALUES", "POLICY", "FOUND BY CONTENT");
        List<Field> unruled = new ArrayList<>();
        for (Field f : fields.values()) {
            StringBuilder found = new StringBuilder();
            f.found.forEach((cls, c) -> found.append(found.length() == 0 ? "" : ", ").append(cls).append(' ')
                    .append(String.format(Locale.ROOT, "%.0f%%", 100.0 * c[0] / Math.max(1, f.values)))
                    .append(String.format(Locale.ROOT, " (score %.2f)", f.scores.get(cls))));
            boolean pii = !f.found.isEmpty();
            String flag = pii && !f.ruled ? "   <- PII without a rule" : "";
            if (pii && !f.ruled) {
                unruled.add(f);
            }
            out.printf(Locale.ROOT, "%-" + w + "s  %,8d  %-22s  %s%s%n", f.path, f.values, f.declared,
                    found.length() == 0 ? "-" : found, flag);
        }
        out.println();
        out.printf(Locale.ROOT, "%d field%s carry PII without a rule.%s%n", unruled.size(), unruled.size() == 1 ? "" : "s",
                unruled.isEmpty() || suggest ? "" : " Run with --suggest for the fields: lines to add.");
        if (suggest && !unruled.isEmpty()) {
            out.println();
            out.println("# add under fields: in " + policyFile);
            for (Field f : unruled) {
                String best = null;
                long bestN = -1;
                for (Map.Entry<String, long[]> e : f.found.entrySet()) {
                    if (e.getValue()[0] > bestN) {
                        best = e.getKey();
                        bestN = e.getValue()[0];
                    }
                }
                long[] c = f.found.get(best);
                double share = (double) c[0] / Math.max(1, f.values);
                double cover = (double) c[1] / Math.max(1, c[2]);
                String path = f.path.startsWith("*") ? "\"" + f.path + "\"" : f.path;
                if (f.found.size() == 1 && share >= SUGGEST_SHARE && cover >= SUGGEST_COVER) {
                    out.printf(Locale.ROOT, "  %s: %s%s# found in %.0f%% of %,d values%n", path, best,
                            " ".repeat(Math.max(1, 40 - path.length() - best.length())), 100 * share, f.values);
                } else {
                    out.printf(Locale.ROOT, "  # %s: free text with %s; leave it to content detection (scan.strings: all)%n",
                            path, String.join(", ", f.found.keySet()));
                }
            }
        }
    }
}
