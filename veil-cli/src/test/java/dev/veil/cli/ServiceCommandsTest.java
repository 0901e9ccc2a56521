package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil up}, {@code veil tail}, {@code veil policy activate} and {@code veil run} as a user runs them: one
 * {@code veil up} with its embedded broker in this JVM, the other commands against it.
 */
class ServiceCommandsTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    private static final Pattern RAW_EMAIL = Pattern.compile("[a-z]+\\.[a-z-]+\\d*@(example\\.com|mail\\.test|shop\\.example\\.net)");

    @TempDir
    Path dir;

    private record Result(int rc, String out, String err) {
    }

    private static Result veil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(rc, out.toString(), err.toString());
    }

    private Path policy(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        for (String k : List.of("demo.keyset.json", "demo-quarantine.keyset.json")) {
            Files.copy(EXAMPLES.resolve("keys").resolve(k), keys.resolve(k), StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = dir.resolve(name);
        Files.writeString(file, edit.apply(Files.readString(EXAMPLES.resolve("retail.yaml"))));
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void upServesMaskedViewsThatTailReadsAndActivateChanges() throws Exception {
        Path policy = policy("retail.yaml", t -> t);
        int port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        StringWriter upOut = new StringWriter();
        StringWriter upErr = new StringWriter();
        // alerts also go to a webhook on loopback, signed with a secret from a file
        List<String> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            boolean genuine = dev.veil.core.alert.WebhookSink.verify(
                    "a-webhook-secret-of-32-bytes-abc".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ex.getRequestHeaders().getFirst("X-Veil-Timestamp"), body,
                    ex.getRequestHeaders().getFirst("X-Veil-Signature"), java.time.Duration.ofMinutes(5),
                    java.time.Clock.systemUTC());
            hooks.add((genuine ? "" : "UNSIGNED ") + new String(body, java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        Path secret = Files.writeString(dir.resolve("hook.secret"), "a-webhook-secret-of-32-bytes-abc\n");
        Path home = dir.resolve("home");
        CompletableFuture<Integer> up = CompletableFuture.supplyAsync(() -> VeilCommand.run(
                new PrintWriter(upOut, true), new PrintWriter(upErr, true), "up", "--policy", policy.toString(),
                "--data-dir", dir.resolve(".veil").toString(), "--kafka-port", String.valueOf(port),
                "--metrics-port", "0", "--rate", "300", "--for", "45", "--home", home.toString(), "--console-port", "0",
                "--alert-webhook", "http://127.0.0.1:" + http.getAddress().getPort() + "/hook",
                "--alert-webhook-secret", "file:" + secret));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!upOut.toString().contains("Ctrl-C stops everything.") && !up.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(upOut.toString()).as(upErr.toString())
                .contains("Kafka       " + bootstrap + " (embedded")
                .contains("./veil tail -b " + bootstrap + " orders.analytics")
                .contains("auth-logs.analytics")
                .contains("Demo        300 events/s into orders, tickets, auth-logs");

        // The raw topic has emails; the analytics view of the same records has none.
        Result raw = veil("tail", "-b", bootstrap, "orders", "--from-beginning", "-n", "30", "--for", "60");
        assertThat(raw.rc()).isZero();
        assertThat(RAW_EMAIL.matcher(raw.out()).find()).as("the raw input carries emails").isTrue();
        Result view = veil("tail", "-b", bootstrap, "orders.analytics", "--from-beginning", "-n", "30", "--for", "60",
                "--headers");
        assertThat(view.rc()).isZero();
        assertThat(view.out().lines()).hasSize(30).allSatisfy(l -> {
            assertThat(RAW_EMAIL.matcher(l).find()).as(l).isFalse();
            assertThat(l).contains("veil-policy=").contains("veil-mask=").contains("EMAIL:hash:1");
        });

        // The metrics endpoint counts the records.
        Matcher m = Pattern.compile("Metrics     (http://\\S+)").matcher(upOut.toString());
        assertThat(m.find()).isTrue();
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).contains("veil_records_in_total{stream=\"orders\"}")
                .contains("veil_records_out_total{segment=\"support\",stream=\"orders\"}")
                .contains("kafka_consumer_fetch_manager_records_lag_max");

        // The console runs beside the service: its token sees the service's throughput per stream and segment
        Matcher cm = Pattern.compile("Console     (http://\\S+)/console/  sign in with (veil_at_\\S+)").matcher(upOut.toString());
        assertThat(cm.find()).as(upOut.toString()).isTrue();
        HttpResponse<String> tp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cm.group(1)
                + "/v1/throughput")).header("Authorization", "Bearer " + cm.group(2)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tp.statusCode()).isEqualTo(200);
        assertThat(tp.body()).contains("\"stream\":\"orders\",\"segment\":\"analytics\"");
        // and grants requested there go to the service's control topic, signed by the console's identity
        HttpResponse<String> g = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cm.group(1) + "/v1/grants"))
                .header("Authorization", "Bearer " + cm.group(2)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"stream\":\"orders\",\"segment\":\"support\",\"classes\":[\"EMAIL\"],\"duration\":\"PT5M\","
                                + "\"reason\":\"test\",\"ticket\":\"T-1\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(g.statusCode()).as(g.body()).isEqualTo(201);
        Result listed = veil("grant", "list", "-p", policy.toString(), "-b", bootstrap, "--home", home.toString());
        assertThat(listed.out()).as(listed.err()).contains("pending").contains("veil-up");

        // A new policy version: analytics nullifies phones from the next records on.
        Path v2 = policy("retail-v2.yaml", t -> t.replace("      US_SSN: drop\n", "      US_SSN: drop\n      PHONE: nullify\n"));
        Result act = veil("policy", "activate", "-b", bootstrap, v2.toString());
        assertThat(act.rc()).as(act.err()).isZero();
        assertThat(act.out()).startsWith("activated policy retail ");
        Thread.sleep(1500); // the switch takes well under a second; records produced after it carry it
        Result after = veil("tail", "-b", bootstrap, "orders.analytics", "--last", "0", "-n", "3", "--for", "60");
        assertThat(after.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"phone\":null"));

        // the console follows the service: the activation from the command line is its policy now
        String v2version = act.out().split(" ")[3];
        assertThat(console(cm, "GET", "/v1/policy", null).body()).contains("\"version\":\"" + v2version + "\"");
        // its record viewer shows a record of the orders topic as each segment sees it; no raw without a grant
        HttpResponse<String> samples = console(cm, "GET", "/v1/samples", null);
        assertThat(samples.body()).contains("\"stream\":\"orders\"").contains("\"analytics\":{")
                .doesNotContain("\"raw\"");
        assertThat(RAW_EMAIL.matcher(samples.body()).find()).as(samples.body()).isFalse();

        // an activation in the console goes to the control topic and is answered with the service's verdict
        String v3 = Files.readString(v2).replace("      PHONE: nullify\n", "");
        HttpResponse<String> a3 = console(cm, "POST", "/v1/policy/activate", v3);
        assertThat(a3.statusCode()).as(a3.body()).isEqualTo(200);
        assertThat(a3.body()).contains("\"published\":\"control topic veil.control on " + bootstrap);
        Thread.sleep(1500);
        Result after3 = veil("tail", "-b", bootstrap, "orders.analytics", "--last", "0", "-n", "3", "--for", "60");
        assertThat(after3.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).doesNotContain("\"phone\":null"));
        // one the service cannot run without a restart is refused, and the console keeps the running policy
        String before = console(cm, "GET", "/v1/policy", null).body();
        HttpResponse<String> a4 = console(cm, "POST", "/v1/policy/activate",
                v3.replace("segments: [analytics]", "segments: [analytics, support]"));
        assertThat(a4.statusCode()).as(a4.body()).isEqualTo(409);
        assertThat(a4.body()).contains("restart the instances");
        assertThat(console(cm, "GET", "/v1/policy", null).body()).isEqualTo(before);

        // Invalid policies are refused before anything is published.
        Path bad = policy("bad.yaml", t -> t.replace("scan:", "scann:"));
        Result refused = veil("policy", "activate", "-b", bootstrap, bad.toString());
        assertThat(refused.rc()).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(refused.err()).contains("bad.yaml:").contains("scann");

        // veil run refuses a policy whose input topic does not exist (no embedded broker: no auto-creation).
        Path missing = policy("missing.yaml", t -> t.replace("input: orders", "input: no-such-topic"));
        Result run = veil("run", "-p", missing.toString(), "-b", bootstrap, "--application-id", "veil-missing",
                "--data-dir", dir.resolve("run").toString(), "--metrics-port", "-1", "--for", "1",
                "--control-topic", "other.control");
        assertThat(run.rc()).isEqualTo(ExitCodes.SERVICE);
        assertThat(run.err()).contains("no-such-topic").contains("do not exist");

        // (the instance is still running: its chain is open, so verification reports entries not yet signed)
        assertThat(String.join("\n", hooks)).contains("\"kind\":\"policy-activated\"").doesNotContain("UNSIGNED");

        // the instance's audit chain on the audit topic: verified in place, and exported to a file that verifies too
        Result topic = veil("audit", "verify", "-b", bootstrap, "--topic", "veil.audit", "--home", home.toString());
        assertThat(topic.rc()).as(topic.out() + topic.err()).isZero();
        assertThat(topic.out()).contains("topic veil.audit: intact").doesNotContain("warning");
        Path exported = dir.resolve("audit-export.jsonl");
        Result export = veil("audit", "export", "-b", bootstrap, "--topic", "veil.audit", "-o", exported.toString());
        assertThat(export.rc()).as(export.err()).isZero();
        Result file = veil("audit", "verify", exported.toString(), "--open", "--home", home.toString());
        assertThat(file.rc()).as(file.out()).isZero();
        assertThat(Files.readString(exported)).contains("\"type\":\"policy-activated\"", "\"type\":\"alert\"");
        Result noTopic = veil("tail", "-b", bootstrap, "orders.nobody", "--for", "5");
        assertThat(noTopic.rc()).isEqualTo(ExitCodes.SERVICE);
        assertThat(noTopic.err()).contains("no topic orders.nobody");

        Result noKafka = veil("audit", "verify", "--topic", "veil.audit", "--home", home.toString());
        assertThat(noKafka.rc()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKafka.err()).contains("give --bootstrap");

        assertThat(up.get(120, TimeUnit.SECONDS)).as(upErr.toString()).isZero();
        assertThat(upOut.toString()).contains(" quarantined");
        http.stop(0);
    }

    /** A request to the console's API of {@code veil up} with the token it printed. */
    static HttpResponse<String> console(Matcher printed, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(printed.group(1) + path))
                .header("Authorization", "Bearer " + printed.group(2))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void runExplainsWhatToFix() throws Exception {
        Result noStreams = veil("run", "-p", policy("p.yaml", t -> t.substring(0, t.indexOf("streams:"))).toString(),
                "-b", "127.0.0.1:1");
        assertThat(noStreams.rc()).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(noStreams.err()).contains("has no 'streams:'");

        Result badConfig = veil("tail", "orders", "--kafka-config", dir.resolve("nope.properties").toString());
        assertThat(badConfig.rc()).isEqualTo(ExitCodes.USAGE);
        assertThat(badConfig.err()).contains("--kafka-config").contains("does not exist");

        Result threads = veil("run", "-p", policy("q.yaml", t -> t).toString(), "-b", "127.0.0.1:1", "--threads", "0");
        assertThat(threads.rc()).isEqualTo(ExitCodes.USAGE);
    }
}
