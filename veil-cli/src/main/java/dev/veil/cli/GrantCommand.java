package dev.veil.cli;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.governance.Grant;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil grant}: request, approve, revoke, list and show exemptions from masking. */
@Command(name = "grant", mixinStandardHelpOptions = true,
        description = {"Grants lift masking for some classes or fields in one segment and stream, for a limited time,",
            "after a second person approves (policy grants.two_person). Signed with your identity; every instance",
            "verifies them against its trust file. Exit: 0 ok, 1 invalid policy/key or refused grant, 2 usage,",
            "3 I/O error, 5 Kafka unreachable."},
        subcommands = {GrantCommand.Request.class, GrantCommand.Approve.class, GrantCommand.Revoke.class,
            GrantCommand.ListGrants.class, GrantCommand.Show.class})
final class GrantCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: request, approve, revoke, list or show");
    }

    /** What every grant subcommand shares: where state is, which policy, who acts. */
    abstract static class Base extends GovernanceCommand {
        TrustStore trust;


        @Override
        void prepare() throws Exception {
            trust = home.trust();
        }

        Governance evaluate(GovernanceLedger l) {
            return l.evaluate(policy, trust, fingerprints);
        }

        /** What this policy and trust file make of one record on its own. */
        Governance.Status status(GrantRecord r) {
            GovernanceLedger l = new GovernanceLedger();
            l.add(r);
            return evaluate(l).statuses().get(0);
        }

        /** Records the change in the local audit log; on Kafka the service instances audit what arrives. */
        void audit(GovernanceRecord r) throws IOException, KeyException {
            if (home.onKafka()) {
                return;
            }
            try (AuditLog log = home.audit(null)) {
                log.append(r.auditType(), r.auditFields());
            }
        }
    }

    @Command(name = "request", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Ask for masking to be lifted; prints the grant id for the approver.")
    static final class Request extends Base {
        @Mixin
        Actor as;
        @Option(names = "--stream", required = true, paramLabel = "NAME", description = "The input stream (topic) it applies to.")
        String stream;
        @Option(names = "--segment", required = true, paramLabel = "NAME", description = "The segment whose view it lifts.")
        String segment;
        @Option(names = "--class", paramLabel = "CLASS", description = "A class to lift (repeatable).")
        List<String> classes = new ArrayList<>();
        @Option(names = "--field", paramLabel = "PATH", description = "A field path to lift (repeatable).")
        List<String> fields = new ArrayList<>();
        @Option(names = "--subject", paramLabel = "ID", description = "Only records of this data subject (repeatable;"
                + " stored as a keyed fingerprint, never the id).")
        List<String> subjects = new ArrayList<>();
        @Option(names = "--key-pattern", paramLabel = "RE2", description = "Only records whose whole key matches.")
        String keyPattern;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log).")
        String reason;
        @Option(names = "--ticket", required = true, paramLabel = "REF", description = "Ticket or case reference.")
        String ticket;
        @Option(names = "--start", paramLabel = "ISO-8601", description = "When it starts (default: now).")
        String start;
        @Option(names = "--duration", required = true, paramLabel = "ISO-8601", description = "How long, e.g. PT30M; at most the policy's max_ttl.")
        String duration;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Identity me = home.identity(as.name);
            Instant from;
            Duration d;
            try {
                from = (start == null ? Instant.now() : Instant.parse(start)).truncatedTo(ChronoUnit.MILLIS);
                d = Duration.parse(duration);
            } catch (DateTimeParseException e) {
                err.println(command() + ": --start takes an instant such as 2026-11-24T10:00:00Z and --duration a"
                        + " duration such as PT30M");
                return ExitCodes.USAGE;
            }
            List<String> fps = new ArrayList<>();
            if (!subjects.isEmpty()) {
                if (fingerprints == null) {
                    err.println(command() + ": --subject needs the policy's consent.subject path (to find subjects in records)");
                    return ExitCodes.USAGE;
                }
                for (String s : subjects) {
                    fps.add(Governance.fingerprint(fingerprints, s));
                }
            }
            String id = Grant.newId();
            Grant g = new Grant(id, policy.name(), stream, segment, classes, fields, fps, keyPattern, me.name(), reason,
                    ticket, from, d, Instant.now().truncatedTo(ChronoUnit.MILLIS));
            GrantRecord r = GrantRecord.request(g, me);
            Governance.Status st = status(r);
            if (st.state() == Governance.State.INVALID) {
                err.println(command() + ": refused: " + st.problem());
                return ExitCodes.INVALID_POLICY;
            }
            home.publish(r, me.name());
            audit(r);
            out.println(id);
            err.println(command() + ": " + id + " (" + g.scopeText() + " in " + segment + " of " + stream + ", "
                    + d + " from " + from + ") stored in the " + home.storeName() + "; it needs approval: veil grant approve "
                    + id + " --as APPROVER -p " + policyFile);
            return ExitCodes.OK;
        }

    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending grant (role approver).")
    static final class Approve extends Base {
        @Parameters(paramLabel = "GRANT")
        String id;
        @Mixin
        Actor as;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Identity me = home.identity(as.name);
            GovernanceLedger l = home.ledger();
            GrantRecord pending = null;
            for (GrantRecord r : l.grant(id)) {
                if (!r.approved()) {
                    pending = r;
                }
            }
            if (pending == null) {
                err.println(command() + ": no pending grant " + id + " in the " + home.storeName());
                return ExitCodes.USAGE;
            }
            GrantRecord approved = pending.approve(me, Instant.now());
            Governance.Status st = status(approved);
            if (st.state() != Governance.State.APPROVED) {
                err.println(command() + ": refused: " + st.problem());
                return ExitCodes.INVALID_POLICY;
            }
            home.publish(approved, me.name());
            audit(approved);
            out.println(id + " approved by " + me.name() + ": " + approved.grant().scopeText() + " in "
                    + approved.grant().segment() + " of " + approved.grant().stream() + " until " + approved.grant().end());
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a grant at once, on every instance.")
    static final class Revoke extends Base {
        @Parameters(paramLabel = "GRANT")
        String id;
        @Mixin
        Actor as;
        @Option(names = "--reason", required = true, paramLabel = "TEXT")
        String reason;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Identity me = home.identity(as.name);
            if (!trust.holds(me, "operator", "approver")) {
                err.println(command() + ": " + me.name() + " is not trusted as operator or approver; instances would ignore it");
                return ExitCodes.INVALID_POLICY;
            }
            Revocation r = Revocation.sign(id, me, Instant.now(), reason);
            home.publish(r, me.name());
            audit(r);
            out.println(id + " revoked by " + me.name());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every grant with its state: pending,"
            + " scheduled, active, expired, revoked or invalid (with why).")
    static final class ListGrants extends Base {
        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Governance g = evaluate(home.ledger());
            long now = System.currentTimeMillis();
            out.printf("%-16s %-10s %-12s %-12s %-10s %-10s %-25s %s%n", "GRANT", "STATE", "STREAM", "SEGMENT", "REQUESTER",
                    "APPROVER", "ENDS", "SCOPE");
            for (Governance.Status s : g.statuses()) {
                Grant gr = s.grant();
                out.printf("%-16s %-10s %-12s %-12s %-10s %-10s %-25s %s%s%n", gr.id(), s.describe(now), gr.stream(),
                        gr.segment(), gr.requester(), s.record().approved() ? s.record().approver() : "-", gr.end(),
                        gr.scopeText(), s.problem() == null ? "" : "  (" + s.problem() + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One grant in full.")
    static final class Show extends Base {
        @Parameters(paramLabel = "GRANT")
        String id;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            Governance g = evaluate(home.ledger());
            long now = System.currentTimeMillis();
            for (Governance.Status s : g.statuses()) {
                if (s.grant().id().equals(id)) {
                    Grant gr = s.grant();
                    out.println("grant      " + gr.id() + "  [" + s.describe(now) + "]" + (s.problem() == null ? "" : "  " + s.problem()));
                    out.println("policy     " + gr.policy());
                    out.println("stream     " + gr.stream());
                    out.println("segment    " + gr.segment());
                    out.println("scope      " + gr.scopeText());
                    out.println("window     " + gr.start() + " .. " + gr.end() + " (" + gr.duration() + ")");
                    out.println("requester  " + gr.requester() + " at " + gr.requestedAt());
                    out.println("approver   " + (s.record().approved() ? s.record().approver() + " at " + s.record().approvedAt() : "-"));
                    out.println("reason     " + gr.reason());
                    out.println("ticket     " + gr.ticket());
                    return ExitCodes.OK;
                }
            }
            err.println(command() + ": no grant " + id + " in the " + home.storeName());
            return ExitCodes.USAGE;
        }
    }
}
