package dev.veil.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alert delivery to a real HTTP endpoint on loopback (the JDK's server): signatures, dedupe, rate, retries. */
class AlerterTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the endpoint received: headers and body of each POST. */
    record Received(String signature, String timestamp, String id, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int code = 204;
            if (failFirst.getAndDecrement() > 0) {
                code = 503;
            } else {
                received.add(new Received(ex.getRequestHeaders().getFirst(WebhookSink.SIGNATURE_HEADER),
                        ex.getRequestHeaders().getFirst(WebhookSink.TIMESTAMP_HEADER),
                        ex.getRequestHeaders().getFirst("X-Veil-Alert-Id"), body));
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        volatile long ms = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms);
        }
    }

    private Alerter.Builder alerter(Clock clock) {
        return Alerter.builder("test-1").clock(clock)
                .sink(WebhookSink.create(url, SECRET, Duration.ofSeconds(5), clock))
                .retries(2, Duration.ofMillis(10));
    }

    @Test
    void aWebhookGetsTheAlertSignedWithTheSharedSecret() throws Exception {
        TestClock clock = new TestClock();
        try (Alerter a = alerter(clock).build()) {
            assertThat(a.raise("undeclared-pii", Alert.Severity.WARNING, "orders/note/EMAIL",
                    "EMAIL found in orders field note, which no rule names",
                    Map.of("stream", "orders", "path", "note", "class", "EMAIL"))).isTrue();
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(WebhookSink.verify(SECRET, r.timestamp(), r.body(), r.signature(), Duration.ofMinutes(5), clock)).isTrue();
        // any change of body, timestamp or secret breaks the signature; an old timestamp is refused
        byte[] edited = r.body().clone();
        edited[edited.length - 2] ^= 1;
        assertThat(WebhookSink.verify(SECRET, r.timestamp(), edited, r.signature(), Duration.ofMinutes(5), clock)).isFalse();
        assertThat(WebhookSink.verify(SECRET, String.valueOf(Long.parseLong(r.timestamp()) + 1), r.body(), r.signature(),
                Duration.ofMinutes(5), clock)).isFalse();
        assertThat(WebhookSink.verify("another secret of enough bytes!!".getBytes(StandardCharsets.US_ASCII),
                r.timestamp(), r.body(), r.signature(), Duration.ofMinutes(5), clock)).isFalse();
        clock.ms += Duration.ofMinutes(6).toMillis();
        assertThat(WebhookSink.verify(SECRET, r.timestamp(), r.body(), r.signature(), Duration.ofMinutes(5), clock)).isFalse();
        JsonNode j = r.json();
        assertThat(j.get("kind").asText()).isEqualTo("undeclared-pii");
        assertThat(j.get("severity").asText()).isEqualTo("warning");
        assertThat(j.get("instance").asText()).isEqualTo("test-1");
        assertThat(j.get("fields").get("path").asText()).isEqualTo("note");
        assertThat(j.get("id").asText()).isEqualTo(r.id());
    }

    @Test
    void repeatsWithinTheWindowAreFoldedIntoTheNextAlert() throws Exception {
        TestClock clock = new TestClock();
        try (Alerter a = alerter(clock).dedupeWindow(Duration.ofMinutes(1)).build()) {
            for (int i = 0; i < 5; i++) {
                a.raise("leak-guard", Alert.Severity.CRITICAL, "orders/analytics/EMAIL", "blocked", Map.of());
            }
            a.raise("leak-guard", Alert.Severity.CRITICAL, "orders/support/EMAIL", "blocked", Map.of());
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(received).hasSize(2);
            clock.ms += 60_000;
            a.raise("leak-guard", Alert.Severity.CRITICAL, "orders/analytics/EMAIL", "blocked", Map.of());
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(a.stats().folded()).isEqualTo(4);
        }
        assertThat(received).hasSize(3);
        assertThat(received.get(2).json().get("repeats").asLong()).isEqualTo(4);
    }

    @Test
    void theRateLimitHoldsBackAStormAndReportsItsSizeLater() throws Exception {
        TestClock clock = new TestClock();
        try (Alerter a = alerter(clock).perKindPerMinute(3).build()) {
            for (int i = 0; i < 10; i++) {
                a.raise("quarantine-burst", Alert.Severity.WARNING, "stream-" + i, "burst", Map.of());
            }
            a.raise("grant-used", Alert.Severity.INFO, "g1", "other kinds have their own rate", Map.of());
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(received).hasSize(4);
            assertThat(a.stats().rateLimited()).isEqualTo(7);
            clock.ms += 60_000; // room again: the delivery thread reports the held-back count on its next idle second
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < 5 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        }
        assertThat(received).hasSize(5);
        JsonNode summary = received.get(4).json();
        assertThat(summary.get("kind").asText()).isEqualTo("quarantine-burst");
        assertThat(summary.get("suppressed").asLong()).isEqualTo(7);
    }

    @Test
    void aFailedDeliveryIsRetriedAndCountedWhenItKeepsFailing() throws Exception {
        TestClock clock = new TestClock();
        List<String> problems = new CopyOnWriteArrayList<>();
        try (Alerter a = alerter(clock).problems(problems::add).build()) {
            failFirst.set(2);
            a.raise("grant-approved", Alert.Severity.INFO, "g1", "approved", Map.of());
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(received).hasSize(1);
            failFirst.set(100);
            a.raise("grant-approved", Alert.Severity.INFO, "g2", "approved", Map.of());
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(a.stats().failed()).isEqualTo(1);
            assertThat(a.stats().delivered()).isEqualTo(1);
        }
        assertThat(problems).singleElement().asString().contains("HTTP 503").contains("after 3 attempts");
    }

    @Test
    void everyRaisedAlertReachesTheAuditHookOnce() throws Exception {
        List<Alert> audited = new CopyOnWriteArrayList<>();
        failFirst.set(100); // the webhook never takes one: auditing must not wait for delivery
        try (Alerter a = alerter(new TestClock()).onRaised(audited::add).build()) {
            assertThat(a.raise("consent-changed", Alert.Severity.INFO, "k1", "m", Map.of())).isTrue();
            assertThat(a.raise("consent-changed", Alert.Severity.INFO, "k2", "m", Map.of())).isTrue();
            assertThat(a.raise("consent-changed", Alert.Severity.INFO, "k1", "m", Map.of())).isFalse(); // folded
            assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(received).isEmpty();
        assertThat(audited).extracting(Alert::key).containsExactly("k1", "k2");
    }

    @Test
    void plainHttpLeavesOnlyForLoopbackAndShortSecretsAreRefused() {
        Clock c = Clock.systemUTC();
        assertThatThrownBy(() -> WebhookSink.create("http://ops.example.com/hook", SECRET, Duration.ofSeconds(1), c))
                .hasMessageContaining("use https");
        assertThatThrownBy(() -> WebhookSink.create("ftp://127.0.0.1/hook", SECRET, Duration.ofSeconds(1), c))
                .hasMessageContaining("must be https");
        assertThatThrownBy(() -> WebhookSink.create(url, new byte[8], Duration.ofSeconds(1), c))
                .hasMessageContaining("at least 16");
        assertThat(WebhookSink.create("https://ops.example.com/hook", SECRET, Duration.ofSeconds(1), c).name())
                .isEqualTo("webhook https://ops.example.com/hook");
    }

    @Test
    void aBurstIsThresholdEventsWithinTheWindow() {
        Burst b = new Burst(3, 1000);
        assertThat(b.hit(0)).isFalse();
        assertThat(b.hit(100)).isFalse();
        assertThat(b.hit(999)).isTrue();
        assertThat(b.hit(5000)).isFalse();
        assertThat(b.hit(5001)).isFalse();
        assertThat(b.hit(5002)).isTrue();
    }
}
