package dev.veil.cli;

import dev.veil.core.action.Action;
import dev.veil.core.action.Reversible;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil reveal}: re-identify tokenized or encrypted values, for key holders. */
@Command(name = "reveal", mixinStandardHelpOptions = true,
        description = {"Turn tokenized or encrypted values back into the originals, with the key the policy names.",
            "The segment and class select the action that produced the values (tokenize or encrypt).",
            "Values come as arguments or one per line on stdin; originals are printed one per line, in order.",
            "Until grants land, anyone holding the key can reveal; reveals are not audited yet.",
            "Exit 0 when all were revealed, 1 invalid policy or key, 2 usage, 6 some values could not be revealed."})
final class RevealCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE", description = "The policy.")
    Path policy;

    @Option(names = {"-s", "--segment"}, required = true, paramLabel = "SEGMENT",
            description = "The segment whose view holds the values.")
    String segment;

    @Option(names = {"-c", "--class"}, required = true, paramLabel = "CLASS",
            description = "The class of the values, e.g. CREDIT_CARD.")
    String className;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "For tokenize: the keyset key the tokens were made with, when it is no longer the primary"
                    + " (after 'veil keys rotate'; ids from 'veil keys list').")
    Long keyId;

    @Parameters(paramLabel = "VALUE", arity = "0..*", description = "Values to reveal (default: lines of stdin).")
    List<String> values = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Policy p = PolicyCommand.load(policy, err);
        if (p == null) {
            return ExitCodes.INVALID_POLICY;
        }
        if (p.segment(segment) == null) {
            err.println("veil reveal: no segment '" + segment + "' in " + policy + "; it has " + p.segments().keySet());
            return ExitCodes.USAGE;
        }
        DataClass c = p.classTable().get(className);
        if (c == null) {
            err.println("veil reveal: no class '" + className + "' in " + policy + " (built-in or under classes:)");
            return ExitCodes.USAGE;
        }
        Action a;
        try {
            KeyRing keys = KeyRing.of(p.keys());
            a = Plan.compile(p, List.of(segment), keyId == null ? keys : keys.pinnedTo(keyId), Limits.DEFAULT).action(0, c);
        } catch (PlanException e) {
            err.println(e.getMessage());
            return ExitCodes.INVALID_POLICY;
        }
        if (!(a instanceof Reversible r)) {
            err.println("veil reveal: " + className + " in segment " + segment + " is " + a.name()
                    + ", which keeps nothing to reveal; only tokenize and encrypt are reversible");
            return ExitCodes.USAGE;
        }
        err.println("veil reveal: key holders only until grants land; this reveal is not audited yet");
        int failed = 0;
        int n = 0;
        if (values.isEmpty()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                failed += reveal(r, line, ++n, out, err);
            }
        } else {
            for (String v : values) {
                failed += reveal(r, v, ++n, out, err);
            }
        }
        out.flush();
        if (failed > 0) {
            err.println("veil reveal: " + failed + " of " + n + " value" + (n == 1 ? "" : "s") + " not revealed");
            return ExitCodes.NOT_REVEALED;
        }
        return ExitCodes.OK;
    }

    /** Prints the original, or an empty line and an error naming the value's position (never the value). */
    private static int reveal(Reversible r, String value, int n, PrintWriter out, PrintWriter err) {
        try {
            out.println(r.reveal(value));
            return 0;
        } catch (KeyException e) {
            out.println();
            err.println("veil reveal: value " + n + ": " + e.getMessage());
            return 1;
        }
    }
}
