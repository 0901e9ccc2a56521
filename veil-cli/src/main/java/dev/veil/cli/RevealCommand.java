package dev.veil.cli;

import dev.veil.core.action.Action;
import dev.veil.core.action.Reversible;
import dev.veil.core.audit.AuditLog;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.PathPattern;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code veil reveal}: re-identify tokenized or encrypted values, under an active grant the revealer requested,
 * with every reveal signed by the revealer and written to the audit log before any original is printed.
 */
@Command(name = "reveal", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Turn tokenized or encrypted values back into the originals, under an approved, active grant.",
            "The segment and class select the action that produced the values (tokenize or encrypt); the grant"
                + " (--grant) must be yours (--as), cover that segment and class (or --field), and be active now.",
            "Values come as arguments or one per line on stdin; originals are printed one per line, in order, only"
                + " after the reveal is in the audit log (HOME/audit.jsonl or --audit FILE).",
            "Exit 0 when all were revealed, 1 invalid policy, key or identity, 2 usage, 3 audit log not writable,"
                + " 6 some values could not be revealed, 7 refused (no active grant of yours covers it)."})
final class RevealCommand extends GovernanceCommand {
    @Mixin
    Actor as;

    @Option(names = "--grant", required = true, paramLabel = "ID",
            description = "The approved grant you requested that covers the segment and class (veil grant request).")
    String grantId;

    @Option(names = {"-s", "--segment"}, required = true, paramLabel = "SEGMENT",
            description = "The segment whose view holds the values.")
    String segment;

    @Option(names = {"-c", "--class"}, required = true, paramLabel = "CLASS",
            description = "The class of the values, e.g. CREDIT_CARD.")
    String className;

    @Option(names = "--field", paramLabel = "PATH",
            description = "The field the values came from, e.g. customer.email (for grants scoped to fields).")
    String field;

    @Option(names = "--subject", paramLabel = "ID",
            description = "The data subject the values belong to (for grants scoped to subjects).")
    String subject;

    @Option(names = "--record-key", paramLabel = "KEY",
            description = "The key of the record the values came from (for grants scoped by key pattern).")
    String recordKey;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "For tokenize: the keyset key the tokens were made with, when it is no longer the primary"
                    + " (after 'veil keys rotate'; ids from 'veil keys list').")
    Long keyId;

    @Option(names = "--audit", paramLabel = "FILE", description = "The audit log to record the reveal in (default:"
            + " HOME/audit.jsonl).")
    Path auditFile;

    @Parameters(paramLabel = "VALUE", arity = "0..*", description = "Values to reveal (default: lines of stdin).")
    List<String> values = new ArrayList<>();

    private DataClass dataClass;
    private Reversible action;
    /** {@code --field} as its field names; empty without one. */
    private List<String> path = List.of();


    @Override
    int check(PrintWriter err) {
        if (policy.segment(segment) == null) {
            err.println("veil reveal: no segment '" + segment + "' in " + policyFile + "; it has " + policy.segments().keySet());
            return ExitCodes.USAGE;
        }
        dataClass = policy.classTable().get(className);
        if (dataClass == null) {
            err.println("veil reveal: no class '" + className + "' in " + policyFile + " (built-in or under classes:)");
            return ExitCodes.USAGE;
        }
        if (field != null) {
            try {
                PathPattern p = PathPattern.parse(field);
                if (!p.steps().stream().allMatch(s -> s instanceof PathPattern.Name)) {
                    err.println("veil reveal: --field names one field, e.g. customer.email; no * or **");
                    return ExitCodes.USAGE;
                }
                path = p.steps().stream().map(s -> ((PathPattern.Name) s).name()).toList();
            } catch (IllegalArgumentException e) {
                err.println("veil reveal: --field: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        Action a;
        try {
            KeyRing keys = KeyRing.of(policy.keys());
            a = Plan.compile(policy, List.of(segment), keyId == null ? keys : keys.pinnedTo(keyId), Limits.DEFAULT)
                    .action(0, dataClass);
        } catch (PlanException e) {
            err.println(e.getMessage());
            return ExitCodes.INVALID_POLICY;
        }
        if (!(a instanceof Reversible r)) {
            err.println("veil reveal: " + className + " in segment " + segment + " is " + a.name()
                    + ", which keeps nothing to reveal; only tokenize and encrypt are reversible");
            return ExitCodes.USAGE;
        }
        action = r;
        return -1;
    }

    @Override
    int run(PrintWriter out, PrintWriter err) throws Exception {
        Identity me = home.identity(as.name);
        TrustStore trust = home.trust();
        if (!trust.holds(me, "operator")) {
            err.println("veil reveal: " + me.name() + " is not trusted as an operator in " + home.trustFile()
                    + " (or its key there differs); an administrator adds it with 'veil identity trust'");
            return ExitCodes.INVALID_POLICY;
        }
        Governance g = home.ledger().evaluate(policy, trust, fingerprints);
        Governance.RevealRequest req = new Governance.RevealRequest(grantId, me.name(), segment, dataClass, path,
                subject, recordKey);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String refusal = g.revealRefusal(req, now.toEpochMilli());
        List<String> in = values.isEmpty() ? stdin() : values;
        if (refusal != null) {
            try (AuditLog log = home.audit(auditFile)) {
                log.append("reveal-refused", fields(me, now, in.size(), 0, refusal));
            }
            err.println("veil reveal: refused: " + refusal);
            return ExitCodes.REFUSED;
        }
        // every value is revealed before anything is printed, so the audit entry states exactly what was handed out
        List<String> originals = new ArrayList<>(in.size());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            try {
                originals.add(action.reveal(in.get(i)));
            } catch (KeyException e) {
                originals.add("");
                problems.add("value " + (i + 1) + ": " + e.getMessage());
            }
        }
        Map<String, Object> f = fields(me, now, in.size(), in.size() - problems.size(), null);
        // the revealer signs what they took out, so the entry cannot be pinned on someone else
        f.put("actor_sig", Base64.getEncoder().encodeToString(me.sign(signed(f))));
        try (AuditLog log = home.audit(auditFile)) {
            log.append("reveal", f);
        } catch (IOException e) {
            err.println("veil reveal: nothing revealed: the audit log cannot be written (" + e.getMessage() + ")");
            return ExitCodes.IO;
        }
        for (String o : originals) {
            out.println(o);
        }
        out.flush();
        for (String p : problems) {
            err.println("veil reveal: " + p);
        }
        if (!problems.isEmpty()) {
            err.println("veil reveal: " + problems.size() + " of " + in.size() + " value" + (in.size() == 1 ? "" : "s")
                    + " not revealed");
            return ExitCodes.NOT_REVEALED;
        }
        return ExitCodes.OK;
    }

    /**
     * What the audit entry records: who, under which grant, what scope, how many — never a value or subject id.
     * A key added here for reveals belongs in {@link #SIGNED_KEYS} too.
     */
    private Map<String, Object> fields(Identity me, Instant at, int asked, int revealed, String refusal) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("grant", grantId);
        f.put("actor", me.name());
        f.put("policy", policy.name());
        f.put("segment", segment);
        f.put("class", dataClass.name());
        if (field != null) {
            f.put("field", field);
        }
        f.put("subject_named", subject != null);
        f.put("values", asked);
        f.put("revealed", revealed);
        f.put("at", at.toString());
        if (refusal != null) {
            f.put("refusal", refusal);
        }
        return f;
    }

    /** Every field {@link #fields} writes for a reveal, in the order they are signed. */
    static final List<String> SIGNED_KEYS = List.of("grant", "actor", "policy", "segment", "class", "field",
            "subject_named", "values", "revealed", "at");

    /** The bytes the revealer signs: the entry's fields in a fixed order. */
    static byte[] signed(Map<String, Object> f) {
        StringBuilder sb = new StringBuilder("veil-reveal");
        for (String k : SIGNED_KEYS) {
            sb.append('\u0000').append(k).append('=').append(f.getOrDefault(k, ""));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> stdin() throws IOException {
        List<String> l = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            l.add(line);
        }
        return l;
    }
}
