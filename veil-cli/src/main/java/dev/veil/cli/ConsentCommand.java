package dev.veil.cli;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.keys.Identity;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code veil consent}: data subjects' opt-outs, stored only as keyed fingerprints. */
@Command(name = "consent", mixinStandardHelpOptions = true,
        description = {"Record that data subjects opted out (their records are dropped or fully redacted in every",
            "segment, per the policy's consent.on_opt_out) or back in. Subject ids are turned into keyed fingerprints",
            "with the policy's consent key before anything is stored or sent. Exit: 0 ok, 1 invalid policy or key,",
            "2 usage, 3 I/O error, 5 Kafka unreachable."},
        subcommands = {ConsentCommand.OptOut.class, ConsentCommand.OptIn.class, ConsentCommand.Import.class,
            ConsentCommand.Status.class})
final class ConsentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: opt-out, opt-in, import or status");
    }

    abstract static class Base extends GovernanceCommand {

        @Override
        int check(PrintWriter err) {
            if (policy.consent() == null) {
                err.println(command() + ": policy " + policy.name() + " has no consent: section (add"
                        + " consent: {subject: PATH} to say where the subject id is)");
                return ExitCodes.INVALID_POLICY;
            }
            return -1;
        }
    }

    /** Signs and stores one change per subject; subject ids never leave {@link #change}. */
    abstract static class Change extends Base {
        @Mixin
        Actor as;

        /** The subjects this command changes. */
        abstract List<String> subjects() throws java.io.IOException;

        /** Whether they opt out (or back in). */
        abstract boolean optOut();

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Identity me = home.identity(as.name);
            if (!home.trust().holds(me, "operator")) {
                err.println(command() + ": " + me.name() + " is not trusted as operator; instances would ignore the change");
                return ExitCodes.INVALID_POLICY;
            }
            List<String> subjects = subjects();
            try (AuditLog log = home.onKafka() ? null : home.audit(null)) {
                for (String s : subjects) {
                    ConsentChange c = ConsentChange.sign(Governance.fingerprint(fingerprints, s), optOut(), me, Instant.now());
                    home.publish(c, me.name());
                    if (log != null) {
                        log.append(c.auditType(), c.auditFields());
                    }
                }
            }
            int n = subjects.size();
            out.println(n + (n == 1 ? " subject " : " subjects ") + (optOut() ? "opted out" : "opted in") + " in the "
                    + home.storeName());
            return ExitCodes.OK;
        }
    }

    @Command(name = "opt-out", mixinStandardHelpOptions = true, description = "Subjects opt out: suppressed in every segment.")
    static class OptOut extends Change {
        @Parameters(paramLabel = "SUBJECT", arity = "1..*")
        List<String> subjects;

        @Override
        List<String> subjects() {
            return subjects;
        }

        @Override
        boolean optOut() {
            return true;
        }
    }

    @Command(name = "opt-in", mixinStandardHelpOptions = true, description = "Subjects opt back in.")
    static final class OptIn extends OptOut {
        @Override
        boolean optOut() {
            return false;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Opt out every subject id in FILE (one per line).")
    static final class Import extends Change {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        List<String> subjects() throws java.io.IOException {
            List<String> ids = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.strip());
                }
            }
            return ids;
        }

        @Override
        boolean optOut() {
            return true;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether a subject has opted out (exit 0 either way).")
    static final class Status extends Base {
        @Parameters(paramLabel = "SUBJECT")
        String subject;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Governance g = home.ledger().evaluate(policy, home.trust(), fingerprints);
            out.println(g.optedOut(Governance.fingerprint(fingerprints, subject)) ? "opted-out" : "not opted out");
            return ExitCodes.OK;
        }
    }
}
