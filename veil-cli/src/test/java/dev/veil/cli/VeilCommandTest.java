package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.KeySpec;
import dev.veil.core.policy.Location;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VeilCommandTest {
    private static final Path EXAMPLE = Path.of("../examples/retail.yaml");
    private static final String CANARY = "canary.9f2e@leak.example";

    @TempDir
    Path dir;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void streams() {
        out = new StringWriter();
        err = new StringWriter();
    }

    private int veil(String... args) {
        return VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void printsItsVersion() {
        assertThat(veil("--version")).isZero();
        assertThat(out.toString()).startsWith("veil 0.");
    }

    @Test
    void validateAcceptsTheExample() {
        assertThat(veil("policy", "validate", EXAMPLE.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).matches("(?s)\\.\\./examples/retail\\.yaml: valid \\(policy retail, version [0-9a-f]{12},"
                + " 2 segments, 11 field rules\\)\\s*");
    }

    @Test
    void validateListsEveryProblem() throws Exception {
        Path p = write("bad.yaml", "veil: 1\nname: x\nfields:\n  a.b: EMIAL\nsegments:\n  s:\n    actions: {EMAIL: hash}\n");
        assertThat(veil("policy", "validate", p.toString())).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(err.toString()).isEqualTo(p + ":4:8: fields.a.b: unknown class 'EMIAL' (did you mean 'EMAIL'?); define it"
                + " under classes: or use a built-in one\n" + p + ":7:22: segments.s.actions.EMAIL: hash needs a key: no key"
                + " 'default' under keys: (add keys: {default: {keyset: FILE}})\n2 problems in " + p + "\n");
    }

    @Test
    void validateProbesKeys() throws Exception {
        Path p = write("nokey.yaml", "veil: 1\nname: x\nkeys:\n  default: {keyset: missing.json}\nsegments:\n  s:\n"
                + "    actions: {EMAIL: hash}\n");
        assertThat(veil("policy", "validate", p.toString())).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(err.toString()).isEqualTo(p + ":4:12: keys.default: keyset file " + dir.resolve("missing.json")
                + " does not exist (create one with 'veil keys create')\n");
    }

    @Test
    void explainShowsEachFieldAndClassPerSegment() {
        assertThat(veil("policy", "explain", EXAMPLE.toString())).isZero();
        String s = out.toString().replaceAll(" {2,}", " | ");
        assertThat(s).contains("FIELD | CLASS | analytics | support\n",
                "customer.email | EMAIL | hash(key=default, hex, length=64) | mask(keep_first=1, keep_domain)\n",
                "**.ssn | US_SSN | drop | mask(keep_last=4)\n",
                "order_id | NONE | (not personal: kept, never scanned) | (not personal: kept, never scanned)\n",
                "EMPLOYEE_ID | policy pattern | redact (default) | redact (default)\n");
    }

    @Test
    void masksOneSegmentToAFile() throws Exception {
        Path in = write("in.jsonl", "{\"customer\":{\"email\":\"ann@example.com\",\"ssn\":\"123-45-6789\"},\"order_id\":\"o-1\"}\n"
                + "\n{\"note\":\"call +1 415 555 0100\"}\r\n");
        Path o = dir.resolve("out.jsonl");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", in.toString(), "-o", o.toString())).isZero();
        assertThat(Files.readAllLines(o)).containsExactly(
                "{\"customer\":{\"email\":\"a**@example.com\",\"ssn\":\"***-**-6789\"},\"order_id\":\"o-1\"}",
                "{\"note\":\"call +* *** *** **00\"}");
        assertThat(err.toString()).contains("veil mask: 2 records in", "segment support: 2 written (2 changed), 0 dropped",
                "values found by class: EMAIL 1, PHONE 1, US_SSN 1", "quarantined: 0", "blank lines skipped: 1");
    }

    @Test
    void theLeakGuardHoldsBackACopiedValueAndUndeclaredPiiIsListed() throws Exception {
        Path in = write("in.jsonl", "{\"order_id\":\"ord-1\",\"trace_id\":\"zoe.king@example.com\",\"customer\":{\"email\":\"zoe.king@example.com\"}}\n"
                + "{\"order_id\":\"ord-2\",\"backup_contact\":\"ian.moss@example.org\"}\n");
        Path o = dir.resolve("out.jsonl");
        Path audit = dir.resolve("audit.jsonl");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", in.toString(), "-o", o.toString(),
                "--audit", audit.toString(), "--home", dir.resolve("home").toString())).isEqualTo(4);
        assertThat(Files.readAllLines(o)).containsExactly("{\"order_id\":\"ord-2\",\"backup_contact\":\"i**.****@example.org\"}");
        assertThat(err.toString()).contains(":1: quarantined: leak guard: a value of class EMAIL", "'support'",
                "undeclared PII at paths no rule names", "backup_contact EMAIL (by content)", "quarantined: 1 (leak 1)");
        assertThat(err.toString()).doesNotContain("zoe.king").doesNotContain("ian.moss");
        String trail = Files.readString(audit);
        assertThat(trail).contains("\"reason\":\"LEAK\"", "\"kind\":\"undeclared-pii\"", "\"path\":\"backup_contact\"")
                .doesNotContain("zoe.king").doesNotContain("ian.moss");

        // alert mode forwards the record and says so
        Path lenient = write("lenient.yaml", Files.readString(EXAMPLE).replace("  min_score: 0.5", "  min_score: 0.5\n  leak_guard: alert")
                .replace("keys/", EXAMPLE.toAbsolutePath().getParent().resolve("keys") + "/"));
        err.getBuffer().setLength(0);
        assertThat(veil("mask", "-p", lenient.toString(), "-s", "support", in.toString(), "-o", o.toString())).isZero();
        assertThat(Files.readAllLines(o)).hasSize(2);
        assertThat(err.toString()).contains(":1: leak guard: a value of class EMAIL appears unmasked in the view for segment 'support'");
    }

    @Test
    void writesEverySegmentInOnePass() throws Exception {
        Path in = write("in.jsonl", "{\"customer\":{\"email\":\"ann@example.com\",\"ssn\":\"123-45-6789\"}}\n");
        Path outDir = dir.resolve("views");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "--all-segments", "--out-dir", outDir.toString(), in.toString())).isZero();
        assertThat(Files.readString(outDir.resolve("analytics.jsonl"))).matches("\\{\"customer\":\\{\"email\":\"[0-9a-f]{64}\"}}\n");
        assertThat(Files.readString(outDir.resolve("support.jsonl"))).isEqualTo("{\"customer\":{\"email\":\"a**@example.com\",\"ssn\":\"***-**-6789\"}}\n");
    }

    @Test
    void quarantinesBadRecordsSealedAndNeverEchoed() throws Exception {
        byte[] bad = ("{\"customer\":{\"email\":\"" + CANARY + "\"}}\n"
                + "{\"customer\":{\"email\":\"" + CANARY + "\"\n"
                + "{\"big\":\"" + CANARY.repeat(100) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        byte[] withBadUtf8 = new byte[bad.length + 12];
        System.arraycopy(bad, 0, withBadUtf8, 0, bad.length);
        System.arraycopy(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, 'x', '"', '}', '\n', '\n'}, 0, withBadUtf8, bad.length, 12);
        Path in = dir.resolve("in.jsonl");
        Files.write(in, withBadUtf8);
        Path o = dir.resolve("out.jsonl");
        Path q = dir.resolve("q.jsonl");
        int rc = veil("mask", "-p", EXAMPLE.toString(), "-s", "analytics", "--max-record-bytes", "1024", "-q", q.toString(),
                in.toString(), "-o", o.toString());
        assertThat(rc).isEqualTo(ExitCodes.QUARANTINED);
        assertThat(Files.readAllLines(o)).hasSize(1).first().asString().matches("\\{\"customer\":\\{\"email\":\"[0-9a-f]{64}\"}}");
        assertThat(err.toString()).contains(
                "veil mask: " + in + ":2: quarantined: truncated JSON: input ends inside a value",
                "veil mask: " + in + ":3: quarantined: record of 2410 bytes is larger than the limit of 1024",
                "veil mask: " + in + ":4: quarantined: invalid UTF-8 at byte 6",
                "quarantined: 3 (too_large 1, invalid_utf8 1, truncated 1) -> " + q);
        List<String> entries = Files.readAllLines(q);
        assertThat(entries).hasSize(3);
        for (String s : List.of(out.toString(), err.toString(), Files.readString(o), Files.readString(q))) {
            assertThat(s).doesNotContain(CANARY).doesNotContain("canary");
        }
        // the truncated record is sealed with the policy's quarantine key and opens to the original bytes
        String sealed = entries.get(0).replaceAll(".*\"sealed\":\"([^\"]+)\".*", "$1");
        KeyRing ring = KeyRing.of(Map.of("quarantine", new KeySpec("quarantine",
                Path.of("../examples/keys/demo-quarantine.keyset.json"), null, new Location("t", 1, 1, "k"))));
        byte[] plain = ring.sealer("quarantine").open(Base64.getUrlDecoder().decode(sealed), Quarantine.context(in.toString(), 2));
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("{\"customer\":{\"email\":\"" + CANARY + "\"");
        // the oversize record was never buffered, so it is recorded without a sealed copy
        assertThat(entries.get(1)).contains("\"reason\":\"TOO_LARGE\"").doesNotContain("sealed");
    }

    @Test
    void parallelWorkersKeepInputOrder() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            sb.append(i % 997 == 0 ? "{\"broken\":\n" : "{\"i\":" + i + ",\"customer\":{\"email\":\"u" + i + "@example.com\"}}\n");
        }
        Path in = write("many.jsonl", sb.toString());
        Path one = dir.resolve("one.jsonl");
        Path two = dir.resolve("two.jsonl");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--threads", "1", in.toString(), "-o", one.toString()))
                .isEqualTo(ExitCodes.QUARANTINED);
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--threads", "3", in.toString(), "-o", two.toString()))
                .isEqualTo(ExitCodes.QUARANTINED);
        List<String> lines = Files.readAllLines(two);
        assertThat(lines).isEqualTo(Files.readAllLines(one)).hasSize(30_000 - 31);
        assertThat(lines.get(0)).isEqualTo("{\"i\":1,\"customer\":{\"email\":\"u*@example.com\"}}");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"i\":29999,\"customer\":{\"email\":\"u*****@example.com\"}}");
        assertThat(err.toString()).contains("many.jsonl:998: quarantined: truncated JSON", "quarantined: 31 (truncated 31)");
    }

    @Test
    void progressBarWhenAskedFor() throws Exception {
        Path in = write("p.jsonl", "{\"a\":1}\n".repeat(100));
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "--progress", in.toString(), "-o",
                dir.resolve("o.jsonl").toString())).isZero();
        assertThat(err.toString()).contains("\r[==============================] 100%  100 records");
        err.getBuffer().setLength(0);
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", in.toString(), "-o",
                dir.resolve("o2.jsonl").toString())).isZero();
        assertThat(err.toString()).doesNotContain("%  ");
    }

    @Test
    void readsStandardInput() throws Exception {
        java.io.InputStream saved = System.in;
        Path o = dir.resolve("o.jsonl");
        try {
            System.setIn(new java.io.ByteArrayInputStream("{\"customer\":{\"ssn\":\"123-45-6789\"}}\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "-o", o.toString())).isZero();
        } finally {
            System.setIn(saved);
        }
        assertThat(Files.readString(o)).isEqualTo("{\"customer\":{\"ssn\":\"***-**-6789\"}}\n");
    }

    @Test
    void usageErrorsSayWhatToDo() {
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "--all-segments")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).isEqualTo("veil mask: --all-segments needs --out-dir DIR (one output file per segment)\n"
                + "Try 'veil mask --help'.\n");
        err.getBuffer().setLength(0);
        assertThat(veil("mask", "-p", EXAMPLE.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("veil mask: policy retail has segments analytics, support: pick one with"
                + " --segment NAME, or write all with --all-segments --out-dir DIR");
        assertThat(veil("mask", "--bogus")).isEqualTo(ExitCodes.USAGE);
        err.getBuffer().setLength(0);
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "nope", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("veil mask: no segment 'nope' in policy retail; it has: analytics, support");
    }

    @Test
    void refusesToWriteOverItsInput() throws Exception {
        Path in = write("same.jsonl", "{\"a\":1}\n");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "-o", in.toString(), in.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Files.readString(in)).isEqualTo("{\"a\":1}\n");
        assertThat(err.toString()).contains("is also an input");
    }

    @Test
    void writeFailuresAreIoErrors() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")));
        Path in = write("w.jsonl", "{\"a\":1}\n");
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", "-o", "/dev/full", in.toString()))
                .isEqualTo(ExitCodes.IO);
    }

    @Test
    void validateProbesTheQuarantineKey() throws Exception {
        Path p = write("q.yaml", "veil: 1\nname: x\nkeys:\n  quarantine: {keyset: ../examples/keys/demo.keyset.json}\n"
                + "segments:\n  s:\n    actions: {default: redact}\n");
        Files.copy(Path.of("../examples/keys/demo.keyset.json"), dir.resolve("hmac.json"));
        Path q = write("q2.yaml", "veil: 1\nname: x\nkeys:\n  quarantine: {keyset: hmac.json}\n"
                + "segments:\n  s:\n    actions: {default: redact}\n");
        assertThat(veil("policy", "validate", q.toString())).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(err.toString()).isEqualTo(q + ":4:15: keys.quarantine: key 'quarantine' is not an AEAD keyset"
                + " (create one with 'veil keys create --type aead')\n");
        assertThat(p).exists();
    }

    @Test
    void missingInputIsAnIoError() {
        assertThat(veil("mask", "-p", EXAMPLE.toString(), "-s", "support", dir.resolve("none.jsonl").toString()))
                .isEqualTo(ExitCodes.IO);
        assertThat(err.toString()).contains("cannot read input " + dir.resolve("none.jsonl") + " (no such file)");
    }

    @Test
    void detectWritesOneFindingsObjectPerLine() throws Exception {
        Path in = write("t.txt", "Mail ann@example.com now\n\nJosé 😀 4111 1111 1111 1111\n");
        Path o = dir.resolve("f.jsonl");
        assertThat(veil("detect", in.toString(), "-o", o.toString())).isZero();
        assertThat(Files.readAllLines(o)).containsExactly(
                "{\"findings\":[{\"type\":\"EMAIL\",\"start\":5,\"end\":20,\"score\":0.95}]}",
                "{\"findings\":[]}",
                "{\"findings\":[{\"type\":\"CREDIT_CARD\",\"start\":8,\"end\":27,\"score\":0.95}]}");
    }

    @Test
    void detectJsonCarriesFieldPaths() throws Exception {
        Path in = write("r.jsonl", "{\"a\":{\"note\":\"ip 10.0.0.1\"},\"l\":[\"x\",\"ann@example.com\"]}\n{\"broken\":\n");
        Path o = dir.resolve("f.jsonl");
        assertThat(veil("detect", "--json", in.toString(), "-o", o.toString())).isZero();
        assertThat(Files.readAllLines(o)).containsExactly(
                "{\"findings\":[{\"path\":\"a.note\",\"type\":\"IP_ADDRESS\",\"start\":3,\"end\":11,\"score\":0.85},"
                        + "{\"path\":\"l[1]\",\"type\":\"EMAIL\",\"start\":0,\"end\":15,\"score\":0.95}]}",
                "{\"findings\":[],\"error\":\"truncated JSON: input ends inside a value\"}");
    }

    @Test
    void detectUsesPolicyClasses() throws Exception {
        Path in = write("t.txt", "staff EMP-123456 joined\n");
        Path o = dir.resolve("f.jsonl");
        assertThat(veil("detect", "-p", EXAMPLE.toString(), in.toString(), "-o", o.toString())).isZero();
        assertThat(Files.readString(o)).isEqualTo("{\"findings\":[{\"type\":\"EMPLOYEE_ID\",\"start\":6,\"end\":16,\"score\":1.00}]}\n");
    }

    @Test
    void scanMapsFieldsAndSuggestsRules() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            sb.append("{\"contact\":\"u").append(i).append("@example.com\",\"msg\":\"call +44 20 7946 0")
                    .append(100 + i).append(" today\",\"order_id\":\"o-").append(i).append("\",\"customer\":{\"email\":\"x@y.io\"}}\n");
        }
        Path in = write("s.jsonl", sb.toString());
        assertThat(veil("scan", "-p", EXAMPLE.toString(), "--suggest", in.toString())).isZero();
        String s = out.toString().replaceAll(" {2,}", " | ");
        assertThat(s).contains("veil scan: 50 records, 4 field paths, policy retail@",
                "contact | 50 | - | EMAIL 100% (score 0.95) | <- PII without a rule",
                "msg | 50 | - | PHONE 100% (score 0.85) | <- PII without a rule",
                "order_id | 50 | NONE | -",
                "customer.email | 50 | EMAIL | EMAIL 100% (score 0.95)",
                "2 fields carry PII without a rule.",
                "contact: EMAIL | # found in 100% of 50 values",
                "# msg: free text with PHONE; leave it to content detection (scan.strings: all)");
    }

    @Test
    void keysCreateNeverOverwrites() throws Exception {
        Path k = dir.resolve("k.json");
        assertThat(veil("keys", "create", "--out", k.toString())).isZero();
        assertThat(Files.readString(k)).contains("HmacPrfKey");
        assertThat(veil("keys", "create", "--out", k.toString())).isEqualTo(ExitCodes.IO);
    }
}
