package dev.veil.cli;

import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil identity}: Ed25519 identities that sign grants, consent changes and audit checkpoints, and the trust file. */
@Command(name = "identity", mixinStandardHelpOptions = true,
        description = {"Signing identities and the trust file every instance checks signatures against.",
            "Roles: operator (requests grants, changes consent, revokes), approver (approves, revokes),",
            "service (signs audit checkpoints). Exit: 0 ok, 1 key or file problem, 2 usage."},
        subcommands = {IdentityCommand.Create.class, IdentityCommand.Trust.class, IdentityCommand.ListIds.class})
final class IdentityCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, trust or list");
    }

    /** The roles as given to {@code --roles} (picocli splits at commas), trimmed. */
    static Set<String> roles(List<String> given) {
        Set<String> r = new LinkedHashSet<>();
        for (String g : given) {
            if (!g.isBlank()) {
                r.add(g.trim());
            }
        }
        return r;
    }

    /** Adds (or updates) a trusted identity in HOME's trust file and says so. */
    static void trust(Home home, String name, String key, Set<String> roles, PrintWriter out) throws KeyException {
        home.trust().with(name, key, roles).save(home.trustFile());
        out.println(name + " trusted in " + home.trustFile() + " as " + String.join(", ", roles));
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an identity (private key in HOME/identities/NAME.json, owner-only) and trust it with its roles.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--roles", required = true, split = ",", paramLabel = "ROLE[,ROLE]",
                description = "operator, approver, service.")
        List<String> roles;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Identity.validName(name)) {
                err.println("veil identity create: names use letters, digits and . _ @ - (at most 64)");
                return ExitCodes.USAGE;
            }
            return Home.guarded("veil identity create", err, () -> {
                Identity id = Identity.generate(name);
                home.trust().with(name, id.publicKeyText(), roles(roles)); // roles checked before anything is written
                id.save(home.identityFile(name));
                out.println("identity " + name + " created: " + home.identityFile(name));
                out.println("public key: " + id.publicKeyText());
                trust(home, name, id.publicKeyText(), roles(roles), out);
                out.println("Other instances trust it with: veil identity trust " + name + " --key " + id.publicKeyText()
                        + " --roles " + String.join(",", roles(roles)));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = "Trust someone else's public key with roles (or change the roles of a trusted identity).")
    static final class Trust implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--key", required = true, paramLabel = "BASE64", description = "The identity's public key.")
        String key;
        @Option(names = "--roles", required = true, split = ",", paramLabel = "ROLE[,ROLE]")
        List<String> roles;

        @Override
        public Integer call() {
            return Home.guarded("veil identity trust", spec.commandLine().getErr(), () -> {
                trust(home, name, key, roles(roles), spec.commandLine().getOut());
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The trusted identities and their roles.")
    static final class ListIds implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;

        @Override
        public Integer call() {
            try {
                for (TrustStore.Member m : home.trust().members()) {
                    spec.commandLine().getOut().printf("%-20s %-28s %s%n", m.name(), String.join(",", new java.util.TreeSet<>(m.roles())),
                            m.key().substring(0, Math.min(24, m.key().length())) + "…");
                }
                return ExitCodes.OK;
            } catch (KeyException e) {
                spec.commandLine().getErr().println("veil identity list: " + e.getMessage());
                return ExitCodes.INVALID_POLICY;
            }
        }
    }
}
