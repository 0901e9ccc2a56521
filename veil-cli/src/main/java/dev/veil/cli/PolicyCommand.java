package dev.veil.cli;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.FieldRule;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyException;
import dev.veil.core.policy.PolicyLoader;
import dev.veil.core.policy.PolicyProblem;
import dev.veil.core.policy.SegmentSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code veil policy validate|explain}. */
@Command(name = "policy", description = "Check, explain and activate policy files.", mixinStandardHelpOptions = true,
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.Explain.class, PolicyCommand.Activate.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: validate, explain or activate");
    }

    /** Loads a policy, printing its problems; returns null (after printing) when it cannot be used. */
    static Policy load(Path file, PrintWriter err) {
        String text = read(file, err);
        return text == null ? null : parse(text, file, err);
    }

    /** The policy file's text, or null after saying why it cannot be read. */
    static String read(Path file, PrintWriter err) {
        try {
            return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("veil: policy file " + file + " does not exist");
        } catch (IOException e) {
            err.println("veil: cannot read policy file " + file + ": " + e.getClass().getSimpleName());
        }
        return null;
    }

    /** Parses policy text read from {@code file}, or returns null after printing every problem. */
    static Policy parse(String text, Path file, PrintWriter err) {
        try {
            return PolicyLoader.parse(text, file.toString(), file.toAbsolutePath().getParent());
        } catch (PolicyException e) {
            for (PolicyProblem p : e.problems()) {
                err.println(p);
            }
            err.println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + file);
            return null;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check policy files: syntax, keys, classes, actions, segments, and that every key",
                "they name can be loaded. Lists every problem with file:line:column: key.",
                "Exit 0 when all are valid, 1 otherwise."})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files.")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int rc = ExitCodes.OK;
            for (Path f : files) {
                Policy p = load(f, err);
                if (p == null) {
                    rc = ExitCodes.INVALID_POLICY;
                    continue;
                }
                try {
                    KeyRing keys = KeyRing.of(p.keys());
                    Plan.compile(p, List.of(), keys, Limits.DEFAULT);
                    if (keys.has("quarantine")) {
                        keys.sealer("quarantine");
                    }
                } catch (PlanException | dev.veil.core.keys.KeyException e) {
                    err.println(e.getMessage());
                    rc = ExitCodes.INVALID_POLICY;
                    continue;
                }
                out.println(f + ": valid (policy " + p.name() + ", version " + p.shortVersion() + ", "
                        + p.segments().size() + " segment" + (p.segments().size() == 1 ? "" : "s") + ", "
                        + p.fields().size() + " field rule" + (p.fields().size() == 1 ? "" : "s") + ")");
            }
            return rc;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Show what each declared field and each class becomes in each segment.")
    static final class Explain implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1", paramLabel = "FILE", description = "The policy file.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Policy p = load(file, spec.commandLine().getErr());
            if (p == null) {
                return ExitCodes.INVALID_POLICY;
            }
            List<String> segs = new ArrayList<>(p.segments().keySet());
            out.println("policy " + p.name() + "  version " + p.version());
            out.println("scan: strings=" + p.scan().strings().name().toLowerCase(Locale.ROOT) + ", min_score="
                    + p.scan().minScore() + ", field_names=" + (p.scan().fieldNames() ? "on" : "off"));
            out.println();
            List<String> header = new ArrayList<>(List.of("FIELD", "CLASS"));
            header.addAll(segs);
            List<List<String>> rows = new ArrayList<>();
            for (FieldRule r : p.fields()) {
                List<String> row = new ArrayList<>(List.of(r.path().toString(), r.dataClass().name()));
                for (String s : segs) {
                    row.add(r.dataClass().isNone() ? "(not personal: kept, never scanned)"
                            : p.segment(s).actionFor(r.dataClass()).describe());
                }
                rows.add(row);
            }
            if (rows.isEmpty()) {
                out.println("No field rules: fields are classified by name heuristics and content detection.");
            } else {
                table(out, header, rows);
            }
            out.println();
            Set<DataClass> classes = new LinkedHashSet<>(p.classTable().classes());
            List<String> h2 = new ArrayList<>(List.of("CLASS", "SOURCE"));
            h2.addAll(segs);
            List<List<String>> rows2 = new ArrayList<>();
            for (DataClass c : classes) {
                List<String> row = new ArrayList<>(List.of(c.name(),
                        p.classes().containsKey(c.name()) ? "policy pattern" : "built-in"));
                for (String s : segs) {
                    SegmentSpec seg = p.segment(s);
                    row.add(seg.actionFor(c).describe() + (seg.actions().containsKey(c) ? "" : " (default)"));
                }
                rows2.add(row);
            }
            table(out, h2, rows2);
            out.println();
            out.println("Values of a class not named in a segment get that segment's default action (redact"
                    + " unless the policy sets default:).");
            return ExitCodes.OK;
        }

        private static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
            int[] w = new int[header.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = header.get(i).length();
                for (List<String> r : rows) {
                    w[i] = Math.max(w[i], r.get(i).length());
                }
            }
            line(out, header, w);
            for (List<String> r : rows) {
                line(out, r, w);
            }
        }

        private static void line(PrintWriter out, List<String> cells, int[] w) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                sb.append(cells.get(i));
                if (i < cells.size() - 1) {
                    sb.append(" ".repeat(w[i] - cells.get(i).length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true,
            description = {"Make a policy the active one of every running 'veil run' instance: checks it as the",
                "service would (streams, keys, segments), then publishes it on the control topic. Instances",
                "switch within a second; one that cannot run it keeps its policy and reports on the alert topic.",
                "Exit 0 when published, 1 invalid policy, 5 Kafka unreachable."})
    static final class Activate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1", paramLabel = "FILE", description = "The policy file.")
        Path file;

        @CommandLine.Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // Read once: the text checked here is the text published.
            String text = read(file, err);
            Policy p = text == null ? null : parse(text, file, err);
            if (p == null) {
                return ExitCodes.INVALID_POLICY;
            }
            try {
                dev.veil.kafka.Deployment.compile(p, Limits.DEFAULT);
            } catch (PlanException e) {
                err.println(e.getMessage());
                return ExitCodes.INVALID_POLICY;
            }
            Map<String, String> client;
            try {
                client = kafka.client();
            } catch (KafkaOptions.UsageException e) {
                err.println("veil: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try {
                long offset = dev.veil.kafka.ControlPlane.publishPolicy(client, kafka.controlTopic,
                        text, "veil policy activate " + file.getFileName() + " (" + System.getProperty("user.name") + ")");
                out.println("activated policy " + p.name() + " " + p.shortVersion() + " on " + kafka.controlTopic
                        + " (offset " + offset + "); running instances switch within a second, refusals go to the"
                        + " alert topic");
                return ExitCodes.OK;
            } catch (dev.veil.kafka.ServiceException e) {
                err.println("veil: " + e.getMessage() + "; is Kafka running at " + kafka.bootstrapOrLocal()
                        + "? (--bootstrap)");
                return ExitCodes.SERVICE;
            }
        }
    }
}
