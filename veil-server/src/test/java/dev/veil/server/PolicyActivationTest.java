package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activations through the API when the server has a control topic: published there, and either run at once (a
 * standalone server) or answered with the service's verdict (a server following a service, as under veil up). The
 * verdicts arrive on another thread, as the service's control reader delivers them; the real control topic is
 * exercised end to end in the CLI's veil up test.
 */
class PolicyActivationTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    /** Records what is published and hands each offset to {@code service}, which answers later or never. */
    static final class Topic implements PolicyPublisher {
        final List<String> published = new CopyOnWriteArrayList<>();
        final AtomicLong next = new AtomicLong(40);
        volatile BiConsumer<Long, String> service = (o, y) -> { };
        volatile boolean down;

        @Override
        public long publish(String yaml, String actor) throws Exception {
            if (down) {
                throw new java.io.IOException("broker 127.0.0.1:1 unreachable");
            }
            published.add(actor + ":" + yaml.length());
            long offset = next.getAndIncrement();
            service.accept(offset, yaml);
            return offset;
        }

        @Override
        public String describe() {
            return "control topic veil.control on test";
        }
    }

    HttpResponse<String> call(VeilServer s, String token, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFollowingServerAnswersWithTheServicesVerdict() throws Exception {
        Path file = RetailPolicy.copyInto(dir);
        String text = Files.readString(file);
        Topic topic = new Topic();
        ApiTokens.Created admin = ApiTokens.empty().with("pat", Set.of(Role.POLICY_ADMIN, Role.VIEWER), Set.of());
        try (VeilServer s = VeilServer.builder(RetailPolicy.plan(dev.veil.core.policy.PolicyLoader.load(file))).port(0)
                .tokens(admin.tokens()).policyText(text).policyDir(dir).policyPublisher(topic).followsService(true)
                .verdictTimeout(Duration.ofSeconds(3)).start()) {
            String v2 = text.replace("      US_SSN: drop\n", "      US_SSN: drop\n      PHONE: nullify\n");
            // the service accepts, a moment later, on its own thread
            topic.service = (offset, yaml) -> new Thread(() -> {
                sleep(200);
                s.serviceActivation(offset, yaml, null);
            }).start();
            HttpResponse<String> ok = call(s, admin.token(), "POST", "/v1/policy/activate", v2);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"published\":\"control topic veil.control on test\"", "\"offset\":40",
                    "\"by\":\"control topic offset 40\"");
            assertThat(call(s, admin.token(), "GET", "/v1/policy/text", null).body()).contains("PHONE: nullify");
            // the same version again publishes nothing
            HttpResponse<String> same = call(s, admin.token(), "POST", "/v1/policy/activate", v2);
            assertThat(same.body()).contains("\"unchanged\":true");
            assertThat(topic.published).hasSize(1);

            // the service refuses: 409 with its reason, and the server keeps what the service runs
            String before = call(s, admin.token(), "GET", "/v1/policy", null).body();
            topic.service = (offset, yaml) -> s.serviceActivation(offset, null, "changes the streams; restart the instances");
            HttpResponse<String> no = call(s, admin.token(), "POST", "/v1/policy/activate", text);
            assertThat(no.statusCode()).isEqualTo(409);
            assertThat(no.body()).contains("restart the instances");
            assertThat(call(s, admin.token(), "GET", "/v1/policy", null).body()).isEqualTo(before);

            // no verdict in time: 202, published but not confirmed, nothing changed here
            topic.service = (offset, yaml) -> { };
            HttpResponse<String> silent = call(s, admin.token(), "POST", "/v1/policy/activate", text);
            assertThat(silent.statusCode()).isEqualTo(202);
            assertThat(silent.body()).contains("not confirmed");
            assertThat(call(s, admin.token(), "GET", "/v1/policy", null).body()).isEqualTo(before);

            // an activation published by someone else (veil policy activate) reaches the server all the same
            s.serviceActivation(77, text, null);
            assertThat(call(s, admin.token(), "GET", "/v1/policy", null).body()).contains("control topic offset 77");

            // the topic unreachable: 503, nothing activated
            topic.down = true;
            HttpResponse<String> down = call(s, admin.token(), "POST", "/v1/policy/activate", v2);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("not activated", "control topic veil.control on test");
            assertThat(call(s, admin.token(), "GET", "/v1/policy/text", null).body()).doesNotContain("PHONE: nullify");
        }
    }

    @Test
    void aStandaloneServerPublishesAndRunsAtOnce() throws Exception {
        Path file = RetailPolicy.copyInto(dir);
        String text = Files.readString(file);
        Topic topic = new Topic();
        ApiTokens.Created admin = ApiTokens.empty().with("pat", Set.of(Role.POLICY_ADMIN), Set.of());
        try (VeilServer s = VeilServer.builder(RetailPolicy.plan(dev.veil.core.policy.PolicyLoader.load(file))).port(0)
                .tokens(admin.tokens()).policyText(text).policyDir(dir).policyPublisher(topic).start()) {
            String v2 = text.replace("      US_SSN: drop\n", "      US_SSN: drop\n      PHONE: nullify\n");
            HttpResponse<String> ok = call(s, admin.token(), "POST", "/v1/policy/activate", v2);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"by\":\"pat\"", "\"offset\":40");
            assertThat(topic.published).containsExactly("pat:" + v2.length());
        }
    }

    @Test
    void samplesFromTheServiceAreKeptOnceASecondAndBounded() throws Exception {
        Path file = RetailPolicy.copyInto(dir);
        ApiTokens.Created op = ApiTokens.empty().with("olu", Set.of(Role.OPERATOR), Set.of());
        try (VeilServer s = VeilServer.builder(RetailPolicy.plan(dev.veil.core.policy.PolicyLoader.load(file))).port(0)
                .tokens(op.tokens()).start()) {
            s.sample("orders", "{\"customer\":{\"email\":\"ana.lima@example.com\"}}".getBytes());
            s.sample("orders", "{\"customer\":{\"email\":\"second@example.com\"}}".getBytes()); // within the second
            s.sample("tickets", new byte[70 * 1024]); // too large to keep
            String body = call(s, op.token(), "GET", "/v1/samples", null).body();
            // support keeps an email's first letter: the sample kept is the first record, not the second
            assertThat(body).contains("\"stream\":\"orders\"").doesNotContain("tickets")
                    .doesNotContain("ana.lima@example.com").contains("\"email\":\"a").doesNotContain("\"email\":\"s");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
