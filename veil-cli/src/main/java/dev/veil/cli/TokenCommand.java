package dev.veil.cli;

import dev.veil.server.ApiTokens;
import dev.veil.server.Role;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil token}: API tokens for {@code veil serve}, kept as digests in {@code HOME/tokens.json}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"API tokens for veil serve: create (shown once), list, revoke. Only SHA-256 digests are stored,"
            + " in HOME/tokens.json.",
            "Roles: viewer, operator, policy-admin, approver, auditor, masker (with --segments).",
            "Exit 0 done, 1 the token file cannot be read, 2 usage, 3 the file cannot be written."},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static Path file(Home home) {
        return home.dir().resolve("tokens.json");
    }

    /** Shared: HOME, the file, failures mapped to exit codes. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;

        abstract int run(PrintWriter out, PrintWriter err, Path file) throws Exception;

        @Override
        public final Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            return Home.guarded("veil token " + spec.name(), err, () -> run(spec.commandLine().getOut(), err, file(home)));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a token; it is printed once on stdout and only its digest is kept.")
    static final class Create extends Base {
        @Parameters(paramLabel = "NAME", description = "Who or what uses it (audit and rate limits name it).")
        String name;
        @Option(names = "--roles", required = true, split = ",", paramLabel = "ROLE[,ROLE]")
        List<String> roles;
        @Option(names = "--segments", split = ",", paramLabel = "SEGMENT[,SEGMENT]",
                description = "For masker tokens: the segments whose views it may receive.")
        List<String> segments = new ArrayList<>();
        @Option(names = "--certificate", paramLabel = "PEM", description = "Sign in with this client certificate"
                + " (mutual TLS: veil serve --client-ca) instead of a token; no token is made.")
        Path certificate;

        @Override
        int run(PrintWriter out, PrintWriter err, Path file) throws Exception {
            Set<Role> rs = EnumSet.noneOf(Role.class);
            for (String r : roles) {
                Role role = Role.parse(r.trim());
                if (role == null) {
                    err.println("veil token create: unknown role '" + r + "'; roles are "
                            + java.util.Arrays.stream(Role.values()).map(Role::text).collect(java.util.stream.Collectors.joining(", ")));
                    return ExitCodes.USAGE;
                }
                rs.add(role);
            }
            if (certificate != null) {
                java.security.cert.X509Certificate cert;
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(certificate)) {
                    cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(in);
                } catch (java.security.cert.CertificateException e) {
                    err.println("veil token create: " + certificate + " is not a PEM or DER X.509 certificate");
                    return ExitCodes.USAGE;
                }
                try {
                    ApiTokens.load(file).withCertificate(name, cert, rs, new LinkedHashSet<>(segments)).save(file);
                } catch (IllegalArgumentException e) {
                    err.println("veil token create: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
                out.println(name + " signs in with certificate sha256:" + ApiTokens.fingerprint(cert) + " ("
                        + cert.getSubjectX500Principal().getName() + ")");
                return ExitCodes.OK;
            }
            ApiTokens.Created c;
            try {
                c = ApiTokens.load(file).with(name, rs, new LinkedHashSet<>(segments));
            } catch (IllegalArgumentException e) {
                err.println("veil token create: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            c.tokens().save(file);
            out.println(c.token());
            err.println("veil token create: token for " + name + " stored as a digest in " + file
                    + "; this is the only time it is shown");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Token names, roles, segments; never a token.")
    static final class ListTokens extends Base {
        @Override
        int run(PrintWriter out, PrintWriter err, Path file) throws Exception {
            for (ApiTokens.Entry e : ApiTokens.load(file).entries()) {
                List<String> rs = new ArrayList<>();
                new TreeSet<>(e.roles()).forEach(r -> rs.add(r.text()));
                out.printf("%-24s %-32s %-24s %-12s %s%n", e.name(), String.join(",", rs),
                        e.segments().isEmpty() ? "-" : String.join(",", new TreeSet<>(e.segments())),
                        e.certificate() != null ? "certificate" : "token", e.created());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Remove a token; a running veil serve stops accepting it within a second.")
    static final class Revoke extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(PrintWriter out, PrintWriter err, Path file) throws Exception {
            ApiTokens t = ApiTokens.load(file);
            if (t.entries().stream().noneMatch(e -> e.name().equals(name))) {
                err.println("veil token revoke: no token named '" + name + "' in " + file + "; see veil token list");
                return ExitCodes.USAGE;
            }
            t.without(name).save(file);
            out.println(name + " revoked");
            return ExitCodes.OK;
        }
    }
}
