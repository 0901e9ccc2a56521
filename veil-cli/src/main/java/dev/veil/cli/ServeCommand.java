package dev.veil.cli;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.SecretRefs;
import dev.veil.core.policy.Policy;
import dev.veil.server.Tls;
import dev.veil.server.VeilServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code veil serve}: the HTTP API (mask, detect, policy, audit) over a policy, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the HTTP API: POST /v1/mask and /v1/detect for services, policy and audit administration"
            + " for people (OpenAPI at /v1/openapi.json).",
            "Requests carry 'Authorization: Bearer TOKEN' (veil token create); admin actions and refusals go to"
                + " HOME/audit.jsonl.",
            "Binds 127.0.0.1; any other address needs TLS (--tls-cert/--tls-key or --tls-keystore) and tokens.",
            "Exit 0 after Ctrl-C, SIGTERM or --for; 1 invalid policy or TLS identity; 2 usage or refused address;"
                + " 3 unreadable file; 5 the port cannot be bound."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    Home home;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE", description = "The policy to serve.")
    Path policyFile;
    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443", description = "Port (default: ${DEFAULT-VALUE};"
            + " 0 picks a free one).")
    int port;
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain, server certificate first.")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "Unencrypted PKCS#8 private key for --tls-cert.")
    Path tlsKey;
    @Option(names = "--tls-keystore", paramLabel = "P12", description = "PKCS#12 store with key and chain (instead of PEM).")
    Path tlsKeystore;
    @Option(names = "--tls-password", paramLabel = "env:NAME|file:PATH", defaultValue = "env:VEIL_TLS_PASSWORD",
            description = "Password of --tls-keystore (default: ${DEFAULT-VALUE}).")
    String tlsPassword;
    @Option(names = "--client-ca", paramLabel = "PEM", description = "Require client certificates issued by these CAs"
            + " (mutual TLS); a certificate bound to a principal (veil token create NAME --certificate PEM) signs in"
            + " without a token, any other still needs one.")
    Path clientCa;
    @Option(names = "--max-request-bytes", paramLabel = "N", defaultValue = "8388608",
            description = "Largest request body (default: ${DEFAULT-VALUE}); larger ones get 413.")
    long maxRequestBytes;
    @Option(names = "--rate", paramLabel = "N", defaultValue = "200",
            description = "Requests per second per token (default: ${DEFAULT-VALUE}); beyond it 429.")
    double rate;
    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "Also accept JWTs from this OpenID Connect"
            + " issuer (exact 'iss'); needs --oidc-audience and --oidc-jwks.")
    String oidcIssuer;
    @Option(names = "--oidc-audience", paramLabel = "AUD", description = "The audience JWTs must name ('aud').")
    String oidcAudience;
    @Option(names = "--oidc-jwks", paramLabel = "URL|FILE", description = "The issuer's signing keys: an https URL"
            + " (cached, refreshed on unknown key ids) or a JWK set file.")
    String oidcJwks;
    @Option(names = "--oidc-roles-claim", paramLabel = "CLAIM", defaultValue = "veil_roles",
            description = "Claim listing Veil roles (default: ${DEFAULT-VALUE}); maskers' segments come from veil_segments.")
    String oidcRolesClaim;
    @Option(names = "--for", paramLabel = "SECONDS", description = "Stop after this many seconds (default: until Ctrl-C).")
    Long seconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String text = PolicyCommand.read(policyFile, err);
        Policy policy = text == null ? null : PolicyCommand.parse(text, policyFile, err);
        if (policy == null) {
            return ExitCodes.INVALID_POLICY;
        }
        if ((tlsCert == null) != (tlsKey == null) || (tlsCert != null && tlsKeystore != null)) {
            err.println("veil serve: give --tls-cert with --tls-key, or --tls-keystore alone");
            return ExitCodes.USAGE;
        }
        if (clientCa != null && tlsCert == null && tlsKeystore == null) {
            err.println("veil serve: --client-ca needs TLS: add --tls-cert/--tls-key or --tls-keystore");
            return ExitCodes.USAGE;
        }
        if (oidcIssuer != null && (oidcAudience == null || oidcJwks == null)) {
            err.println("veil serve: --oidc-issuer needs --oidc-audience and --oidc-jwks");
            return ExitCodes.USAGE;
        }
        return Home.guarded("veil serve", err, () -> {
            Tls tls = null;
            if (tlsCert != null) {
                tls = Tls.pem(tlsCert, tlsKey);
            } else if (tlsKeystore != null) {
                tls = Tls.pkcs12(tlsKeystore, SecretRefs.read(tlsPassword, System::getenv, "TLS keystore password",
                        "set it, or name it with --tls-password").toCharArray());
            }
            if (tls != null && clientCa != null) {
                tls = tls.requireClientCertificates(clientCa);
            }
            Path tokens = TokenCommand.file(home);
            dev.veil.server.Oidc oidc = null;
            if (oidcIssuer != null) {
                oidc = dev.veil.server.Oidc.builder(oidcIssuer, oidcAudience).jwks(oidcJwks).rolesClaim(oidcRolesClaim)
                        .build();
            }
            // the same shutdown as veil run: Ctrl-C or SIGTERM waits for the server and the audit log to close
            try (ServiceSession session = new ServiceSession()) {
                VeilServer.Builder b;
                try {
                    b = overHome(home, policy, text, policyFile);
                } catch (PlanException e) {
                    err.println(e.getMessage());
                    return ExitCodes.INVALID_POLICY;
                }
                VeilServer server;
                try {
                    server = start(b.host(bind).port(port).tls(tls).maxRequestBytes(maxRequestBytes)
                            .requestsPerSecond(rate).oidc(oidc), home, session, policy);
                } catch (VeilServer.RefusedAddress e) {
                    err.println("veil serve: " + e.getMessage());
                    return ExitCodes.USAGE;
                } catch (IllegalStateException e) {
                    err.println("veil serve: " + e.getMessage());
                    return ExitCodes.SERVICE;
                } catch (IllegalArgumentException e) {
                    err.println("veil serve: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
                out.println("veil serve: listening on " + server.url() + " (policy " + policy.name() + "@"
                        + policy.shortVersion() + "; tokens in " + tokens + "; console at " + server.url() + "/console/; OpenAPI at "
                        + server.url() + "/v1/openapi.json)");
                out.flush();
                try {
                    session.awaitStop(seconds == null ? null : Duration.ofSeconds(seconds), out, null, null);
                } catch (InterruptedException e) {
                    // stop as after Ctrl-C; the flag is not set again, or Jetty's own shutdown would be cut short
                    out.println("veil serve: interrupted; stopping");
                }
            }
            return ExitCodes.OK;
        });
    }

    /**
     * A server over HOME, as {@code veil serve} and {@code veil up} run it: HOME's token file, audit log and grant
     * store (on Kafka also where activations are published), and the policy compiled from the same text the console
     * shows. The caller adds address, TLS and limits.
     */
    static VeilServer.Builder overHome(Home home, Policy policy, String text, Path policyFile)
            throws PlanException, java.io.IOException {
        Plan plan = Plan.compile(policy, List.of(), KeyRing.of(policy.keys()), Limits.DEFAULT);
        HomeGovernanceStore store = new HomeGovernanceStore(home);
        return VeilServer.builder(plan).tokensFile(TokenCommand.file(home)).policyText(text)
                .policyDir(policyFile.toAbsolutePath().getParent()).governance(store)
                .policyPublisher(home.onKafka() ? store : null);
    }

    /**
     * Opens HOME's audit log for the server, starts it, and leaves both to {@code session}, which stops the server,
     * writes {@code server-stopped} and closes the log, in that order.
     */
    static VeilServer start(VeilServer.Builder b, Home home, ServiceSession session, Policy policy)
            throws java.io.IOException, dev.veil.core.keys.KeyException {
        AuditLog audit = home.audit(null);
        session.keep(audit);
        VeilServer server = b.audit(audit, home.auditFile(), Set.of(home.auditIdentity().publicKeyText())).start();
        session.keep(() -> audit.append("server-stopped", java.util.Map.of("url", server.url())));
        session.keep(server);
        audit.append("server-started", java.util.Map.of("url", server.url(), "policy", policy.shortVersion()));
        return server;
    }
}
