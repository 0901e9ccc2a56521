package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.keys.Identity;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTP on loopback: every route against every role, masking that never forwards a raw
 * record, limits, headers, the policy admin flow and its audit trail.
 */
class VeilServerTest {
    static final String EMAIL = "amara.okafor@example.com";
    static final String CARD = "4111 1111 1111 1111";

    @TempDir
    Path dir;
    Path policyFile;
    Policy policy;
    ApiTokens tokens = ApiTokens.empty();
    final Map<Role, String> tokenOf = new EnumMap<>(Role.class);
    String supportMasker;
    Identity auditor;
    Path auditFile;
    AuditLog audit;
    VeilServer server;
    final MemoryGovernanceStore store = new MemoryGovernanceStore();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        policyFile = RetailPolicy.copyInto(dir);
        policy = PolicyLoader.load(policyFile);
        for (Role r : Role.values()) {
            ApiTokens.Created c = tokens.with(r.text() + "-1", Set.of(r), r == Role.MASKER ? Set.of("analytics") : Set.of());
            tokens = c.tokens();
            tokenOf.put(r, c.token());
        }
        ApiTokens.Created c = tokens.with("support-app", Set.of(Role.MASKER), Set.of("support"));
        tokens = c.tokens();
        supportMasker = c.token();
        auditor = Identity.generate("veil-server");
        auditFile = dir.resolve("audit.jsonl");
        audit = AuditLog.openFile(auditFile, auditor, Clock.systemUTC(), 1000);
        server = start(VeilServer.builder(RetailPolicy.plan(policy)).port(0));
    }

    VeilServer start(VeilServer.Builder b) {
        try {
            return b.tokens(tokens).audit(audit, auditFile, Set.of(auditor.publicKeyText())).policyDir(dir)
                    .policyText(Files.readString(policyFile)).governance(store).start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
        audit.close();
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A route, the roles it admits and what an admitted role gets with this body (a refusal is always 403). */
    record Route(String method, String path, String body, Set<Role> roles, int admitted) {
        Route(String method, String path, String body, Set<Role> roles) {
            this(method, path, body, roles, 200);
        }
    }

    @Test
    void everyRouteAdmitsItsRolesAndRefusesEveryOther() throws Exception {
        server.close(); // a budget large enough for the 70-odd failed logins below (failures get a tenth of it)
        server = start(VeilServer.builder(RetailPolicy.plan(policy)).port(0).requestsPerSecond(1000));
        String yaml = Files.readString(policyFile);
        String record = "{\"customer\":{\"email\":\"" + EMAIL + "\"}}";
        Set<Role> readers = EnumSet.of(Role.VIEWER, Role.OPERATOR, Role.POLICY_ADMIN, Role.APPROVER, Role.AUDITOR);
        List<Route> routes = List.of(
                new Route("POST", "/v1/mask?segment=analytics", record, EnumSet.of(Role.MASKER, Role.OPERATOR)),
                new Route("POST", "/v1/detect", "mail " + EMAIL, EnumSet.of(Role.MASKER, Role.OPERATOR, Role.VIEWER)),
                new Route("GET", "/v1/policy", null, EnumSet.of(Role.VIEWER, Role.OPERATOR, Role.POLICY_ADMIN,
                        Role.APPROVER, Role.AUDITOR)),
                new Route("GET", "/v1/policy/history", null, EnumSet.of(Role.VIEWER, Role.OPERATOR, Role.POLICY_ADMIN,
                        Role.APPROVER, Role.AUDITOR)),
                new Route("POST", "/v1/policy/validate", yaml, EnumSet.of(Role.POLICY_ADMIN)),
                new Route("POST", "/v1/policy/dry-run", "{\"policy\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(yaml) + ",\"records\":[" + record + "]}", EnumSet.of(Role.POLICY_ADMIN)),
                new Route("POST", "/v1/policy/activate", yaml, EnumSet.of(Role.POLICY_ADMIN)),
                new Route("GET", "/v1/audit/verify", null, EnumSet.of(Role.AUDITOR)),
                new Route("GET", "/metrics", null, EnumSet.of(Role.VIEWER, Role.OPERATOR, Role.AUDITOR)),
                new Route("GET", "/v1/audit?limit=5", null, EnumSet.of(Role.AUDITOR)),
                new Route("GET", "/v1/policy/text", null, readers),
                new Route("POST", "/v1/policy/diff", yaml + "# changed\n", EnumSet.of(Role.POLICY_ADMIN)),
                new Route("GET", "/v1/grants", null, readers),
                // admitted, but the body is not a grant request: 400, never 403
                new Route("POST", "/v1/grants", "{}", EnumSet.of(Role.OPERATOR), 400),
                new Route("POST", "/v1/grants/g-000000000000/approve", "{}", EnumSet.of(Role.APPROVER), 404),
                new Route("POST", "/v1/grants/g-000000000000/revoke", "{\"reason\":\"x\"}",
                        EnumSet.of(Role.OPERATOR, Role.APPROVER), 404),
                new Route("POST", "/v1/consent/lookup", "{\"subject\":\"c-1\"}", EnumSet.of(Role.OPERATOR, Role.AUDITOR)),
                new Route("POST", "/v1/consent", "{}", EnumSet.of(Role.OPERATOR), 400),
                new Route("GET", "/v1/alerts", null, readers),
                new Route("GET", "/v1/throughput", null, readers),
                new Route("GET", "/v1/samples", null, EnumSet.of(Role.OPERATOR, Role.POLICY_ADMIN)),
                new Route("GET", "/v1/whoami", null, EnumSet.allOf(Role.class)));
        for (Route r : routes) {
            for (Role role : Role.values()) {
                HttpResponse<String> res = call(r.method(), r.path(), tokenOf.get(role), r.body());
                if (r.roles().contains(role)) {
                    assertThat(res.statusCode()).as(r + " as " + role + ": " + res.body()).isEqualTo(r.admitted());
                } else {
                    assertThat(res.statusCode()).as(r + " as " + role).isEqualTo(403);
                    assertThat(res.body()).contains("needs one of").doesNotContain(EMAIL);
                }
            }
            assertThat(call(r.method(), r.path(), null, r.body()).statusCode()).as(r + " without a token").isEqualTo(401);
            assertThat(call(r.method(), r.path(), "veil_at_forged", r.body()).statusCode()).as(r + " forged").isEqualTo(401);
            assertThat(call(r.method(), r.path(), "Basic x", r.body()).statusCode()).isEqualTo(401);
        }
        assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        // the OpenAPI document names every route with exactly the roles it admits
        com.fasterxml.jackson.databind.JsonNode api = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(call("GET", "/v1/openapi.json", null, null).body()).get("paths");
        for (Route r : routes) {
            String path = r.path().replaceAll("\\?.*", "").replace("g-000000000000", "{id}");
            com.fasterxml.jackson.databind.JsonNode op = api.path(path).path(r.method().toLowerCase(java.util.Locale.ROOT));
            assertThat(op.isObject()).as(r.method() + " " + path + " in openapi.json").isTrue();
            Set<String> documented = new java.util.TreeSet<>();
            op.get("x-veil-roles").forEach(n -> documented.add(n.asText()));
            Set<String> enforced = new java.util.TreeSet<>();
            r.roles().forEach(x -> enforced.add(x.text()));
            assertThat(documented).as(path).isEqualTo(enforced);
        }
        // every refusal is on the record, with who and where, never a token
        String trail = Files.readString(auditFile);
        assertThat(trail).contains("\"type\":\"api-denied\"").contains("\"principal\":\"viewer-1\"")
                .contains("\"status\":401");
        for (String t : tokenOf.values()) {
            assertThat(trail).doesNotContain(t);
        }
    }

    @Test
    void maskGivesEachMaskerOnlyItsSegmentAndNeverForwardsARawRecord() throws Exception {
        String body = "{\"order_id\":\"o-1\",\"customer\":{\"email\":\"" + EMAIL + "\"},\"payment\":{\"card\":\"" + CARD
                + "\"},\"note\":\"reach me at " + EMAIL + "\"}\n{\"order_id\":\"o-2\",\"customer\":{\"email\":\"" + EMAIL
                + "\"\n\n{\"order_id\":\"o-3\",\"note\":\"\\uD800 " + EMAIL + "\"}\n";
        HttpResponse<String> res = call("POST", "/v1/mask?segment=support", supportMasker, body);
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> lines = res.body().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("o-1").contains("1111").doesNotContain(CARD);
        assertThat(lines.get(1)).startsWith("{\"veil\":{\"line\":2,\"refused\":\"");
        assertThat(res.body()).doesNotContain(EMAIL);
        // a lone surrogate escape is text like any other: masked, not refused; only the truncated line is
        assertThat(lines.get(2)).contains("o-3");
        assertThat(res.headers().firstValue("X-Veil-Refused")).hasValue("1");
        assertThat(res.headers().firstValue("X-Veil-Policy")).hasValue(policy.shortVersion());
        // the support masker may not receive the analytics view; no segment or an unknown one is a usage error
        assertThat(call("POST", "/v1/mask?segment=analytics", supportMasker, body).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/v1/mask", supportMasker, body).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/v1/mask?segment=nope", tokenOf.get(Role.OPERATOR), body).body()).contains("one of");
        HttpResponse<String> d = call("POST", "/v1/detect", supportMasker, "write to " + EMAIL + "\n\r\nnothing here\n");
        assertThat(d.body().lines().toList()).containsExactly(
                "{\"findings\":[{\"type\":\"EMAIL\",\"start\":9,\"end\":33,\"score\":0.95}]}", "{\"findings\":[]}",
                "{\"findings\":[]}");
        assertThat(Files.readString(auditFile)).doesNotContain(EMAIL);
    }

    @Test
    void limitsAndHeaders() throws Exception {
        server.close();
        server = start(VeilServer.builder(RetailPolicy.plan(policy)).port(0).maxRequestBytes(4096).requestsPerSecond(5));
        String big = "{\"note\":\"" + "x".repeat(5000) + "\"}";
        HttpResponse<String> tooBig = call("POST", "/v1/mask?segment=analytics", tokenOf.get(Role.OPERATOR), big);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            limited += call("GET", "/v1/policy", tokenOf.get(Role.VIEWER), null).statusCode() == 429 ? 1 : 0;
        }
        assertThat(limited).isGreaterThan(0);
        // guessing tokens is held to a tenth of the rate per client address
        int guesses = 0;
        for (int i = 0; i < 10; i++) {
            guesses += call("GET", "/v1/policy", "veil_at_guess" + i, null).statusCode() == 429 ? 1 : 0;
        }
        assertThat(guesses).isGreaterThan(0);
        // another principal has its own budget
        HttpResponse<String> other = call("GET", "/v1/policy", tokenOf.get(Role.AUDITOR), null);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(other.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(other.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(other.headers().firstValue("Content-Security-Policy")).get().asString().contains("default-src 'self'");
    }

    @Test
    void aNonLoopbackAddressNeedsTlsAndTokens() {
        assertThatThrownBy(() -> VeilServer.builder(RetailPolicy.plan(policy)).host("0.0.0.0").port(0).tokens(tokens).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs TLS");
    }

    @Test
    void policiesAreValidatedDryRunActivatedAndAudited() throws Exception {
        String admin = tokenOf.get(Role.POLICY_ADMIN);
        HttpResponse<String> bad = call("POST", "/v1/policy/validate", admin, "veil: 1\nname: x\nsegments:\n  a:\n"
                + "    actions:\n      EMAIL: shred\n");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("\"valid\":false").contains("\"line\":6").contains("shred");
        String candidate = Files.readString(policyFile).replace("EMAIL: {mask: {keep_first: 1, keep_domain: true}}",
                "EMAIL: redact");
        String record = "{\"customer\":{\"email\":\"" + EMAIL + "\"},\"order_id\":\"o-9\"}";
        HttpResponse<String> dry = call("POST", "/v1/policy/dry-run", admin, "{\"policy\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(candidate) + ",\"records\":[" + record + "]}");
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(dry.body()).contains("\"differs_in\":[\"support\"]").doesNotContain(EMAIL);
        HttpResponse<String> act = call("POST", "/v1/policy/activate", admin, candidate);
        assertThat(act.statusCode()).isEqualTo(200);
        HttpResponse<String> now = call("GET", "/v1/policy", tokenOf.get(Role.VIEWER), null);
        assertThat(now.body()).contains("\"by\":\"policy-admin-1\"").doesNotContain(policy.shortVersion());
        assertThat(call("GET", "/v1/policy/history", tokenOf.get(Role.VIEWER), null).body()).contains(policy.shortVersion())
                .contains("policy-admin-1");
        HttpResponse<String> masked = call("POST", "/v1/mask?segment=support", supportMasker, record);
        assertThat(masked.body()).contains("\"email\":\"[EMAIL]\"");
        audit.checkpoint();
        HttpResponse<String> verify = call("GET", "/v1/audit/verify", tokenOf.get(Role.AUDITOR), null);
        assertThat(verify.body()).contains("\"intact\":true");
        String trail = Files.readString(auditFile);
        assertThat(trail).contains("policy-validated").contains("policy-dry-run").contains("policy-activated")
                .doesNotContain(EMAIL);
    }
}
