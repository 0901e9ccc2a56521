package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** veil token and veil serve together: a token made on the command line opens the API; a revoked one stops. */
class ServeCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result veil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void tokensOpenTheApiAndRevocationClosesItWithoutARestart() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(dir.resolve("keys"));
        Files.copy(Path.of("../examples/keys/demo.keyset.json"), dir.resolve("keys/demo.keyset.json"));
        Files.copy(Path.of("../examples/keys/demo-quarantine.keyset.json"), dir.resolve("keys/demo-quarantine.keyset.json"));
        Files.copy(Path.of("../examples/retail.yaml"), dir.resolve("retail.yaml"));
        Result created = veil("token", "create", "support-app", "--roles", "masker", "--segments", "support",
                "--home", home.toString());
        assertThat(created.code()).as(created.err()).isZero();
        String token = created.out().trim();
        assertThat(token).startsWith("veil_at_");
        assertThat(Files.readString(home.resolve("tokens.json"))).doesNotContain(token).contains("support-app");
        Result boss = veil("token", "create", "x", "--roles", "boss", "--home", home.toString());
        assertThat(boss.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(boss.err()).contains("unknown role 'boss'").contains("policy-admin").contains("masker");
        assertThat(veil("token", "create", "m", "--roles", "masker", "--home", home.toString()).err())
                .contains("needs the segments");
        assertThat(veil("token", "list", "--home", home.toString()).out()).contains("support-app").contains("masker")
                .doesNotContain(token);
        // a principal that signs in with its client certificate (mutual TLS): no token is printed, the fingerprint kept
        Result cert = veil("token", "create", "billing-app", "--roles", "viewer", "--certificate",
                Path.of("src/test/resources/client-cert.pem").toString(), "--home", home.toString());
        assertThat(cert.code()).as(cert.err()).isZero();
        assertThat(cert.out()).contains("billing-app signs in with certificate sha256:").contains("CN=billing-app")
                .doesNotContain("veil_at_");
        assertThat(Files.readString(home.resolve("tokens.json"))).contains("\"certificate_sha256\"");
        assertThat(veil("token", "list", "--home", home.toString()).out()).containsPattern("billing-app .*certificate");
        Result again = veil("token", "create", "other", "--roles", "viewer", "--certificate",
                Path.of("src/test/resources/client-cert.pem").toString(), "--home", home.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already signs in as 'billing-app'");
        Result notCert = veil("token", "create", "other", "--roles", "viewer", "--certificate",
                dir.resolve("retail.yaml").toString(), "--home", home.toString());
        assertThat(notCert.err()).contains("not a PEM or DER X.509 certificate");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "serve", "-p", dir.resolve("retail.yaml").toString(), "--port", "0", "--for", "60", "--home",
                home.toString())));
        t.start();
        Matcher m = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)").matcher("");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!m.reset(out.toString()).find() && System.nanoTime() < deadline && t.isAlive()) {
            Thread.sleep(20);
        }
        assertThat(m.find(0)).as(out + " / " + err).isTrue();
        String url = m.group(1);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest mask = HttpRequest.newBuilder(URI.create(url + "/v1/mask?segment=support"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":{\"email\":\"ines.duarte@example.com\"}}\n")).build();
        HttpResponse<String> r = http.send(mask, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"email\":\"i").doesNotContain("ines.duarte@example.com");

        assertThat(veil("token", "revoke", "support-app", "--home", home.toString()).code()).isZero();
        int status = 200;
        for (long until = System.nanoTime() + 10_000_000_000L; status != 401 && System.nanoTime() < until; ) {
            Thread.sleep(200);
            status = http.send(mask, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
        assertThat(status).isEqualTo(401);
        t.interrupt();
        t.join(30_000);
        assertThat(code.get()).as(err.toString()).isZero();
        String trail = Files.readString(home.resolve("audit.jsonl"));
        assertThat(trail).contains("server-started").contains("api-denied").contains("server-stopped")
                .doesNotContain("ines.duarte").doesNotContain(token);
        Result verified = veil("audit", "verify", home.resolve("audit.jsonl").toString(), "--home", home.toString());
        assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
        // refused: another address without TLS
        Result open = veil("serve", "-p", dir.resolve("retail.yaml").toString(), "--bind", "0.0.0.0", "--port", "0",
                "--home", home.toString());
        assertThat(open.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(open.err()).contains("needs TLS");
    }
}
