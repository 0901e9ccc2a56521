package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.core.audit.AuditLog;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.Identity;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants, consent, samples, audit queries and the alert stream over real HTTP, with real signing identities and
 * trust: the two-person rule holds through the API, an opt-out suppresses a subject in /v1/mask at once, a raw
 * sample needs the viewer's own active grant, and nothing answers or audits a subject id or a raw value.
 */
class GovernanceApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL = "kwame.mensah@example.com";
    static final String SUBJECT = "c-7731";

    @TempDir
    Path dir;
    final MemoryGovernanceStore store = new MemoryGovernanceStore();
    Path auditFile;
    AuditLog audit;
    VeilServer server;
    String alice;
    String bob;
    String auditorToken;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        Plan plan = RetailPolicy.compiled(dir);
        // alice may request and approve, so only the two-person rule stops her approving herself
        store.person("alice", "operator", "approver");
        store.person("bob", "approver");
        ApiTokens t = ApiTokens.empty();
        ApiTokens.Created a = t.with("alice", Set.of(Role.OPERATOR, Role.APPROVER), Set.of());
        ApiTokens.Created b = a.tokens().with("bob", Set.of(Role.APPROVER, Role.VIEWER), Set.of());
        ApiTokens.Created au = b.tokens().with("ines", Set.of(Role.AUDITOR), Set.of());
        alice = a.token();
        bob = b.token();
        auditorToken = au.token();
        Identity signer = Identity.generate("veil-server");
        auditFile = dir.resolve("audit.jsonl");
        audit = AuditLog.openFile(auditFile, signer, Clock.systemUTC(), 1000);
        server = VeilServer.builder(plan).port(0).tokens(au.tokens()).governance(store)
                .audit(audit, auditFile, Set.of(signer.publicKeyText())).policyDir(dir).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        audit.close();
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String record() {
        return "{\"customer\":{\"id\":\"" + SUBJECT + "\",\"email\":\"" + EMAIL + "\"},\"order_id\":\"o-1\"}";
    }

    @Test
    void aGrantNeedsASecondPersonAndThenLiftsMaskingForItsScopeOnly() throws Exception {
        String request = "{\"stream\":\"orders\",\"segment\":\"support\",\"classes\":[\"EMAIL\"],\"duration\":\"PT30M\","
                + "\"reason\":\"chargeback dispute\",\"ticket\":\"CASE-88\"}";
        HttpResponse<String> req = call("POST", "/v1/grants", alice, request);
        assertThat(req.statusCode()).as(req.body()).isEqualTo(201);
        String id = JSON.readTree(req.body()).get("id").asText();
        assertThat(JSON.readTree(req.body()).get("state").asText()).isEqualTo("pending");

        // the policy's grant rules hold through the API: a segment grants may not lift, a TTL beyond max_ttl
        assertThat(call("POST", "/v1/grants", alice, request.replace("support", "analytics")).statusCode()).isEqualTo(422);
        assertThat(call("POST", "/v1/grants", alice, request.replace("PT30M", "PT9H")).statusCode()).isEqualTo(422);

        // pending: the support view still masks the e-mail
        assertThat(call("POST", "/v1/mask?segment=support&stream=orders", alice, record()).body()).doesNotContain(EMAIL);
        // two-person rule: alice holds the approver role but may not approve her own request
        HttpResponse<String> self = call("POST", "/v1/grants/" + id + "/approve", alice, "{}");
        assertThat(self.statusCode()).as(self.body()).isEqualTo(422);
        HttpResponse<String> ok = call("POST", "/v1/grants/" + id + "/approve", bob, "{}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode listed = JSON.readTree(call("GET", "/v1/grants", bob, null).body()).get("grants").get(0);
        assertThat(listed.get("state").asText()).isEqualTo("active");
        assertThat(listed.get("approver").asText()).isEqualTo("bob");
        assertThat(listed.get("seconds_left").asLong()).isBetween(1700L, 1800L);

        // active: the e-mail is lifted in support for stream orders, nowhere else
        assertThat(call("POST", "/v1/mask?segment=support&stream=orders", alice, record()).body()).contains(EMAIL);
        assertThat(call("POST", "/v1/mask?segment=support&stream=other", alice, record()).body()).doesNotContain(EMAIL);
        assertThat(call("POST", "/v1/mask?segment=analytics&stream=orders", alice, record()).body()).doesNotContain(EMAIL);

        // revoked: masked again at once
        assertThat(call("POST", "/v1/grants/" + id + "/revoke", bob, "{\"reason\":\"case closed\"}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/v1/mask?segment=support&stream=orders", alice, record()).body()).doesNotContain(EMAIL);

        String trail = Files.readString(auditFile);
        assertThat(trail).contains("\"type\":\"grant-requested\"").contains("\"type\":\"grant-approved\"")
                .contains("\"type\":\"grant-used\"").contains("\"type\":\"grant-revoked\"").contains("\"grant\":\"" + id + "\"")
                .doesNotContain(EMAIL);
        // the audit explorer finds the approval by who did it
        HttpResponse<String> q = call("GET", "/v1/audit?type=grant-approved&who=bob", auditorToken, null);
        JsonNode entries = JSON.readTree(q.body()).get("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("type").asText()).isEqualTo("grant-approved");
        assertThat(JSON.readTree(call("GET", "/v1/audit?limit=3", auditorToken, null).body()).get("entries")).hasSize(3);
    }

    @Test
    void anOptOutSuppressesTheSubjectAtOnceAndTheIdIsNeverEchoedOrAudited() throws Exception {
        assertThat(call("POST", "/v1/mask?segment=support", alice, record()).body()).contains("o-1");
        HttpResponse<String> look = call("POST", "/v1/consent/lookup", alice, "{\"subject\":\"" + SUBJECT + "\"}");
        assertThat(JSON.readTree(look.body()).get("opted_out").asBoolean()).isFalse();
        HttpResponse<String> out = call("POST", "/v1/consent", alice, "{\"subjects\":[\"" + SUBJECT + "\"],\"opt_out\":true}");
        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        assertThat(JSON.readTree(call("POST", "/v1/consent/lookup", auditorToken, "{\"subject\":\"" + SUBJECT + "\"}")
                .body()).get("opted_out").asBoolean()).isTrue();
        // the very next request no longer carries the record: retail drops opted-out subjects' records
        HttpResponse<String> masked = call("POST", "/v1/mask?segment=support", alice, record());
        assertThat(masked.body()).contains("\"dropped\":true").doesNotContain("o-1");
        // an approver without the operator role cannot change consent
        assertThat(call("POST", "/v1/consent", bob, "{\"subjects\":[\"x\"],\"opt_out\":true}").statusCode()).isEqualTo(403);
        assertThat(look.body() + out.body()).doesNotContain(SUBJECT);
        assertThat(Files.readString(auditFile)).contains("consent-lookup").doesNotContain(SUBJECT);
    }

    @Test
    void aRawSampleIsShownOnlyUnderTheViewersOwnActiveGrant() throws Exception {
        call("POST", "/v1/mask?segment=support&stream=orders", alice, record());
        JsonNode s = JSON.readTree(call("GET", "/v1/samples", alice, null).body()).get("samples").get(0);
        assertThat(s.get("stream").asText()).isEqualTo("orders");
        assertThat(s.get("views").get("support").toString()).doesNotContain(EMAIL);
        assertThat(s.has("raw")).isFalse();
        String id = JSON.readTree(call("POST", "/v1/grants", alice, "{\"stream\":\"orders\",\"segment\":\"support\","
                + "\"classes\":[\"EMAIL\"],\"duration\":\"PT10M\",\"reason\":\"debug\",\"ticket\":\"T-1\"}").body()).get("id").asText();
        assertThat(JSON.readTree(call("GET", "/v1/samples", alice, null).body()).get("samples").get(0).has("raw")).isFalse();
        call("POST", "/v1/grants/" + id + "/approve", bob, "{}");
        JsonNode raw = JSON.readTree(call("GET", "/v1/samples", alice, null).body()).get("samples").get(0);
        assertThat(raw.get("raw").toString()).contains(EMAIL);
        assertThat(Files.readString(auditFile)).contains("sample-raw-viewed").doesNotContain(EMAIL);
    }

    @Test
    void alertsStreamLiveToEveryListenerAsServerSentEvents() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/alerts/stream"))
                .header("Authorization", "Bearer " + bob).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> stream = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("data:") && line.contains("records-refused")) {
                        return line;
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        // a record that cannot be parsed is refused, and that raises an alert without the record's content
        call("POST", "/v1/mask?segment=support&stream=orders", alice, "{\"customer\":{\"email\":\"" + EMAIL + "\"");
        String line = got.get(10, TimeUnit.SECONDS);
        assertThat(line).contains("\"severity\":\"warning\"").contains("orders").doesNotContain(EMAIL);
        stream.body().close();
        assertThat(JSON.readTree(call("GET", "/v1/alerts", bob, null).body()).get("alerts").toString()).contains("records-refused");
        // the throughput view counts what /v1/mask wrote, per stream and segment
        call("POST", "/v1/mask?segment=support&stream=orders", alice, record());
        assertThat(call("GET", "/v1/throughput", bob, null).body()).contains("\"stream\":\"orders\"")
                .contains("\"segment\":\"support\"");
    }
}
