package dev.veil.cli;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import dev.veil.kafka.ServiceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE",
                description = "The policy whose consent key fingerprints subject ids.")
        Path policyFile;

        KeyedHash key;

        abstract String name();

        abstract int run(PrintWriter out, PrintWriter err) throws Exception;

        @Override
        public final Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Policy policy = PolicyCommand.load(policyFile, err);
            if (policy == null) {
                return ExitCodes.INVALID_POLICY;
            }
            if (policy.consent() == null) {
                err.println("veil consent " + name() + ": policy " + policy.name() + " has no consent: section (add"
                        + " consent: {subject: PATH} to say where the subject id is)");
                return ExitCodes.INVALID_POLICY;
            }
            return Home.guarded("veil consent " + name(), err, () -> {
                key = KeyRing.of(policy.keys()).keyedHash(policy.consent().key());
                return run(spec.commandLine().getOut(), err);
            });
        }

        /** Signs and stores one change per subject; subject ids never leave this method. */
        int change(List<String> subjects, boolean out, String as, PrintWriter stdout)
                throws KeyException, IOException, ServiceException, KafkaOptions.UsageException {
            Identity me = home.identity(as);
            dev.veil.core.governance.TrustStore.Member m = home.trust().member(me.name());
            if (m == null || !m.key().equals(me.publicKeyText()) || !m.roles().contains("operator")) {
                spec.commandLine().getErr().println("veil consent " + name() + ": " + me.name()
                        + " is not trusted as operator; instances would ignore the change");
                return ExitCodes.INVALID_POLICY;
            }
            AuditLog log = home.onKafka() ? null : home.audit(null);
            try {
                int n = 0;
                for (String s : subjects) {
                    String fp = Governance.fingerprint(key, s);
                    home.publish(ConsentChange.sign(fp, out, me, Instant.now()), me.name());
                    if (log != null) {
                        log.append("consent-changed", Map.of("subject", fp, "state", out ? "opted-out" : "opted-in", "by", me.name()));
                    }
                    n++;
                }
                stdout.println(n + (n == 1 ? " subject " : " subjects ") + (out ? "opted out" : "opted in") + " in the "
                        + home.storeName());
            } finally {
                if (log != null) {
                    log.close();
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "opt-out", mixinStandardHelpOptions = true, description = "Subjects opt out: suppressed in every segment.")
    static final class OptOut extends Base {
        @Parameters(paramLabel = "SUBJECT", arity = "1..*")
        List<String> subjects;
        @Option(names = "--as", required = true, paramLabel = "IDENTITY", description = "Your identity (role operator).")
        String as;

        @Override
        String name() {
            return "opt-out";
        }

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            return change(subjects, true, as, out);
        }
    }

    @Command(name = "opt-in", mixinStandardHelpOptions = true, description = "Subjects opt back in.")
    static final class OptIn extends Base {
        @Parameters(paramLabel = "SUBJECT", arity = "1..*")
        List<String> subjects;
        @Option(names = "--as", required = true, paramLabel = "IDENTITY")
        String as;

        @Override
        String name() {
            return "opt-in";
        }

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            return change(subjects, false, as, out);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Opt out every subject id in FILE (one per line).")
    static final class Import extends Base {
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--as", required = true, paramLabel = "IDENTITY")
        String as;

        @Override
        String name() {
            return "import";
        }

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            List<String> ids = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.strip());
                }
            }
            return change(ids, true, as, out);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether a subject has opted out (exit 0 either way).")
    static final class Status extends Base {
        @Parameters(paramLabel = "SUBJECT")
        String subject;

        @Override
        String name() {
            return "status";
        }

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Policy policy = PolicyCommand.load(policyFile, err);
            Governance g = home.ledger().evaluate(policy, home.trust(), key);
            out.println(g.optedOut(Governance.fingerprint(key, subject)) ? "opted-out" : "not opted out");
            return ExitCodes.OK;
        }
    }
}
