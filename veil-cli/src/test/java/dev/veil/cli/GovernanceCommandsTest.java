package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governance commands end to end on the local store: identities, a grant requested, refused when self-approved,
 * approved by someone else, used by veil mask (and audited), revoked; consent opt-out; the audit log verified,
 * tampered with, and searched for every planted value.
 */
class GovernanceCommandsTest {
    static final String[] EMAILS = {"ana.silva@example.com", "kwame.mensah@example.org", "li.wei@example.net"};
    static final String[] PHONES = {"+1 415 555 0134", "+1 212 555 0199", "+1 646 555 0101"};
    static final String[] SUBJECTS = {"c-100001", "c-100002", "c-100003"};
    static final String[] NAMES = {"Ana Silva", "Kwame Mensah", "Li Wei"};

    @TempDir
    Path dir;
    Path home;
    Path policy;
    Path input;

    record Result(int code, String out, String err) {
    }

    Result veil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--home"); // every command here takes it; options may follow the positional parameters
        a.add(home.toString());
        int code = VeilCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), a.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws IOException {
        home = dir.resolve("home");
        Files.createDirectories(dir.resolve("keys"));
        Files.copy(Path.of("../examples/keys/demo.keyset.json"), dir.resolve("keys/demo.keyset.json"));
        Files.copy(Path.of("../examples/keys/demo-quarantine.keyset.json"), dir.resolve("keys/demo-quarantine.keyset.json"));
        policy = dir.resolve("retail.yaml");
        Files.copy(Path.of("../examples/retail.yaml"), policy);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            sb.append("{\"order_id\":\"o-").append(i).append("\",\"customer\":{\"id\":\"").append(SUBJECTS[i])
                    .append("\",\"name\":\"").append(NAMES[i]).append("\",\"email\":\"").append(EMAILS[i])
                    .append("\",\"phone\":\"").append(PHONES[i]).append("\"},\"note\":\"reach me at ").append(EMAILS[i])
                    .append("\"}\n");
        }
        input = dir.resolve("orders.jsonl");
        Files.writeString(input, sb.toString());
    }

    String mask(String segment, Path audit) throws IOException {
        Path out = dir.resolve(segment + "-" + System.nanoTime() + ".jsonl");
        Result r = veil("mask", "-p", policy.toString(), "-s", segment, "--stream", "orders", "--audit", audit.toString(),
                "-o", out.toString(), input.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return Files.readString(out);
    }

    @Test
    void grantLifecycleConsentAndAudit() throws IOException {
        assertThat(veil("identity", "create", "alice", "--roles", "operator").code()).isZero();
        assertThat(veil("identity", "create", "bob", "--roles", "approver").code()).isZero();
        assertThat(veil("identity", "create", "carol", "--roles", "operator,approver").code()).isZero();
        Path audit = dir.resolve("audit.jsonl");

        Result req = veil("grant", "request", "-p", policy.toString(), "--as", "alice", "--stream", "orders", "--segment",
                "support", "--class", "EMAIL", "--subject", SUBJECTS[0], "--reason", "chargeback dispute", "--ticket",
                "SUP-4411", "--duration", "PT30M");
        assertThat(req.code()).as(req.err()).isZero();
        String id = req.out().trim();
        assertThat(id).matches("g-[0-9a-f]{12}");
        // a grant in a segment the policy does not open, or longer than max_ttl, is refused at once
        Result wide = veil("grant", "request", "-p", policy.toString(), "--as", "alice", "--stream", "orders", "--segment",
                "analytics", "--class", "EMAIL", "--reason", "x", "--ticket", "y", "--duration", "PT30M");
        assertThat(wide.code()).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(wide.err()).contains("only in segments");
        assertThat(veil("grant", "request", "-p", policy.toString(), "--as", "alice", "--stream", "orders", "--segment",
                "support", "--class", "EMAIL", "--reason", "x", "--ticket", "y", "--duration", "PT5H").err()).contains("max_ttl");

        // pending: nothing lifted
        assertThat(mask("support", audit)).doesNotContain(EMAILS[0]);

        // carol may approve, but not her own request (two_person: true)
        String own = veil("grant", "request", "-p", policy.toString(), "--as", "carol", "--stream", "orders", "--segment",
                "support", "--class", "PHONE", "--reason", "x", "--ticket", "y", "--duration", "PT10M").out().trim();
        Result self = veil("grant", "approve", own, "-p", policy.toString(), "--as", "carol");
        assertThat(self.code()).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(self.err()).contains("two people");
        // alice is no approver
        assertThat(veil("grant", "approve", id, "-p", policy.toString(), "--as", "alice").code()).isEqualTo(ExitCodes.INVALID_POLICY);

        Result ok = veil("grant", "approve", id, "-p", policy.toString(), "--as", "bob");
        assertThat(ok.code()).as(ok.err()).isZero();
        String lifted = mask("support", audit);
        // only subject 0's e-mails are lifted, only in support, and nothing else of theirs
        assertThat(lifted).contains(EMAILS[0]).doesNotContain(EMAILS[1]).doesNotContain(EMAILS[2]).doesNotContain(PHONES[0]);
        assertThat(mask("analytics", audit)).doesNotContain(EMAILS[0]);
        Result list = veil("grant", "list", "-p", policy.toString());
        assertThat(list.out()).contains(id).contains("active").contains(own).contains("pending");
        assertThat(veil("grant", "show", id, "-p", policy.toString()).out()).contains("SUP-4411").contains("bob");

        // consent: subject 1 opts out and vanishes from every segment
        Result optOut = veil("consent", "opt-out", SUBJECTS[1], "-p", policy.toString(), "--as", "alice");
        assertThat(optOut.code()).as(optOut.err()).isZero();
        String support = mask("support", audit);
        assertThat(support.lines().count()).isEqualTo(2);
        assertThat(support).doesNotContain("o-1");
        assertThat(mask("analytics", audit)).doesNotContain("o-1");
        assertThat(veil("consent", "status", SUBJECTS[1], "-p", policy.toString()).out()).contains("opted-out");
        // an identity without the operator role cannot change consent
        assertThat(veil("consent", "opt-in", SUBJECTS[1], "-p", policy.toString(), "--as", "bob").code())
                .isEqualTo(ExitCodes.INVALID_POLICY);

        // revocation: masked again at once
        assertThat(veil("grant", "revoke", id, "-p", policy.toString(), "--as", "bob", "--reason", "case closed").code()).isZero();
        assertThat(mask("support", audit)).doesNotContain(EMAILS[0]);
        assertThat(veil("grant", "list", "-p", policy.toString()).out()).contains("revoked");

        // the audit trail: uses, suppressions, summaries; intact; and not one planted value in it
        String trail = Files.readString(audit);
        assertThat(trail).contains("\"type\":\"grant-used\"").contains("\"grant\":\"" + id + "\"")
                .contains("\"type\":\"consent-suppressed\"").contains("\"type\":\"summary\"");
        String homeTrail = Files.readString(home.resolve("audit.jsonl"));
        assertThat(homeTrail).contains("grant-requested").contains("grant-approved").contains("grant-revoked")
                .contains("consent-changed");
        for (String planted : concat(EMAILS, PHONES, SUBJECTS, NAMES)) {
            assertThat(trail).doesNotContain(planted);
            assertThat(homeTrail).doesNotContain(planted);
            assertThat(Files.readString(home.resolve("governance.jsonl"))).doesNotContain(planted);
        }
        Result verified = veil("audit", "verify", audit.toString());
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(verified.out()).contains("intact").doesNotContain("warning");
        assertThat(veil("audit", "verify", home.resolve("audit.jsonl").toString()).code()).isZero();

        // one byte changed in the middle
        List<String> lines = new ArrayList<>(Files.readAllLines(audit));
        int mid = lines.size() / 2;
        lines.set(mid, lines.get(mid).replaceFirst("\"seq\":(\\d+)", "\"seq\":$1 "));
        Files.write(audit, lines);
        Result broken = veil("audit", "verify", audit.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("NOT INTACT at line " + (mid + 1));
        assertThat(veil("audit", "tail", "-n", "2", home.resolve("audit.jsonl").toString()).out().lines().count()).isEqualTo(2);
    }

    static List<String> concat(String[]... arrays) {
        List<String> l = new ArrayList<>();
        for (String[] a : arrays) {
            l.addAll(List.of(a));
        }
        return l;
    }

    @Test
    void revealNeedsAnActiveGrantOfTheRevealerInItsScopeAndIsAuditedBeforeAnythingIsPrinted() throws Exception {
        Path fraud = dir.resolve("fraud.yaml");
        Files.writeString(fraud, "veil: 1\nname: fraud\nkeys:\n  default: {keyset: keys/demo.keyset.json}\n"
                + "  gcm: {keyset: keys/demo-quarantine.keyset.json}\n"
                + "fields:\n  customer.email: EMAIL\n  customer.phone: PHONE\n  customer.name: PERSON_NAME\n  card: CREDIT_CARD\n"
                + "scan:\n  strings: none\nsegments:\n  fraud:\n    actions:\n"
                + "      CREDIT_CARD: {tokenize: {keep_last: 4, luhn: true}}\n      EMAIL: {encrypt: {key: gcm}}\n"
                + "      default: redact\nconsent:\n  subject: customer.id\n  on_opt_out: drop-record\n"
                + "grants:\n  max_ttl: PT1H\n  two_person: true\n  segments: [fraud]\n");
        String card = "4111 1111 1111 1111";
        Files.writeString(input, "{\"card\":\"" + card + "\",\"customer\":{\"id\":\"" + SUBJECTS[0] + "\",\"email\":\""
                + EMAILS[0] + "\"}}\n");
        Path out = dir.resolve("fraud.jsonl");
        Result m = veil("mask", "-p", fraud.toString(), "-s", "fraud", "-o", out.toString(), input.toString());
        assertThat(m.code()).as(m.err()).isZero();
        String masked = Files.readString(out);
        java.util.regex.Matcher tc = java.util.regex.Pattern.compile("\"card\":\"(\\d{4} \\d{4} \\d{4} 1111)\"").matcher(masked);
        java.util.regex.Matcher te = java.util.regex.Pattern.compile("\"email\":\"(veil\\.r\\.[A-Za-z0-9_-]+)\"").matcher(masked);
        assertThat(tc.find() && te.find()).as(masked).isTrue();
        String token = tc.group(1);
        String cipher = te.group(1);
        assertThat(veil("identity", "create", "alice", "--roles", "operator").code()).isZero();
        assertThat(veil("identity", "create", "bob", "--roles", "approver").code()).isZero();
        assertThat(veil("identity", "create", "carol", "--roles", "operator").code()).isZero();
        String f = fraud.toString();

        Result none = veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", "g-000000000000", "--as", "alice", token);
        assertThat(none.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(none.err()).contains("no grant g-000000000000");
        assertThat(none.out()).isEmpty();

        String cards = veil("grant", "request", "-p", f, "--as", "alice", "--stream", "orders", "--segment", "fraud",
                "--class", "CREDIT_CARD", "--reason", "chargeback", "--ticket", "FR-1", "--duration", "PT10M").out().trim();
        Result pending = veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", cards, "--as", "alice", token);
        assertThat(pending.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(pending.err()).contains("is pending");
        assertThat(veil("grant", "approve", cards, "-p", f, "--as", "bob").code()).isZero();

        Result ok = veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", cards, "--as", "alice", token);
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo(card + "\n");
        // someone else's grant, a class outside it, a value that is no token
        Result other = veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", cards, "--as", "carol", token);
        assertThat(other.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(other.err()).contains("only the requester");
        Result outside = veil("reveal", "-p", f, "-s", "fraud", "-c", "EMAIL", "--grant", cards, "--as", "alice", cipher);
        assertThat(outside.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(outside.err()).contains("not EMAIL");
        assertThat(outside.out()).isEmpty();
        Result bad = veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", cards, "--as", "alice", token, "12");
        assertThat(bad.code()).isEqualTo(ExitCodes.NOT_REVEALED);
        assertThat(bad.out()).isEqualTo(card + "\n\n");
        assertThat(bad.err()).contains("value 2:").contains("1 of 2 values not revealed");

        // a grant for one data subject: the subject must be named, and be the one
        String mails = veil("grant", "request", "-p", f, "--as", "alice", "--stream", "orders", "--segment", "fraud",
                "--class", "EMAIL", "--subject", SUBJECTS[0], "--reason", "fraud ring", "--ticket", "FR-2", "--duration",
                "PT10M").out().trim();
        assertThat(veil("grant", "approve", mails, "-p", f, "--as", "bob").code()).isZero();
        assertThat(veil("reveal", "-p", f, "-s", "fraud", "-c", "EMAIL", "--grant", mails, "--as", "alice", cipher).err())
                .contains("name the values' subject");
        assertThat(veil("reveal", "-p", f, "-s", "fraud", "-c", "EMAIL", "--grant", mails, "--as", "alice", "--subject",
                SUBJECTS[1], cipher).err()).contains("does not cover that data subject");
        Result subject = veil("reveal", "-p", f, "-s", "fraud", "-c", "EMAIL", "--grant", mails, "--as", "alice",
                "--subject", SUBJECTS[0], cipher);
        assertThat(subject.code()).as(subject.err()).isZero();
        assertThat(subject.out()).isEqualTo(EMAILS[0] + "\n");

        // revoked, or outside its window: refused
        assertThat(veil("grant", "revoke", cards, "-p", f, "--as", "bob", "--reason", "done").code()).isZero();
        assertThat(veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", cards, "--as", "alice", token).err())
                .contains("is revoked");
        String past = veil("grant", "request", "-p", f, "--as", "alice", "--stream", "orders", "--segment", "fraud",
                "--class", "CREDIT_CARD", "--reason", "x", "--ticket", "FR-3", "--start",
                java.time.Instant.now().minusSeconds(120).toString(), "--duration", "PT1M").out().trim();
        assertThat(veil("grant", "approve", past, "-p", f, "--as", "bob").code()).isZero();
        assertThat(veil("reveal", "-p", f, "-s", "fraud", "-c", "CREDIT_CARD", "--grant", past, "--as", "alice", token).err())
                .contains("is expired");

        // the audit log: every reveal and refusal, each reveal signed by its revealer, intact, and no value in it
        String trail = Files.readString(home.resolve("audit.jsonl"));
        assertThat(trail.lines().filter(l -> l.contains("\"type\":\"reveal\"")).count()).isEqualTo(3);
        assertThat(trail.lines().filter(l -> l.contains("\"type\":\"reveal-refused\"")).count()).isEqualTo(8);
        String entry = trail.lines().filter(l -> l.contains("\"type\":\"reveal\"")).findFirst().orElseThrow();
        com.fasterxml.jackson.databind.JsonNode e = new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry);
        java.util.Map<String, Object> signedFields = new java.util.LinkedHashMap<>();
        e.fields().forEachRemaining(x -> signedFields.put(x.getKey(), x.getValue().asText()));
        assertThat(signedFields).containsEntry("grant", cards).containsEntry("actor", "alice").containsEntry("revealed", "1");
        byte[] sig = java.util.Base64.getDecoder().decode(e.get("actor_sig").asText());
        dev.veil.core.keys.Identity alice = dev.veil.core.keys.Identity.load(home.resolve("identities/alice.json"));
        assertThat(dev.veil.core.keys.Identity.verify(alice.publicKey(), RevealCommand.signed(signedFields), sig)).isTrue();
        // every field of the entry is covered: changing any one of them breaks the signature
        for (String k : RevealCommand.SIGNED_KEYS) {
            java.util.Map<String, Object> tampered = new java.util.LinkedHashMap<>(signedFields);
            tampered.put(k, "tampered");
            assertThat(dev.veil.core.keys.Identity.verify(alice.publicKey(), RevealCommand.signed(tampered), sig)).as(k).isFalse();
        }
        java.util.Set<String> envelope = java.util.Set.of("seq", "ts", "writer", "type", "prev", "hash", "actor_sig");
        assertThat(signedFields.keySet().stream().filter(k -> !envelope.contains(k)))
                .as("every field of a reveal entry is signed").allMatch(RevealCommand.SIGNED_KEYS::contains);
        for (String planted : List.of(card, EMAILS[0], SUBJECTS[0], SUBJECTS[1], token, cipher)) {
            assertThat(trail).doesNotContain(planted);
        }
        assertThat(veil("audit", "verify", home.resolve("audit.jsonl").toString()).code()).isZero();
        // a class whose action keeps nothing to reveal
        Result redacted = veil("reveal", "-p", f, "-s", "fraud", "-c", "PERSON_NAME", "--grant", mails, "--as", "alice", "x");
        assertThat(redacted.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(redacted.err()).contains("PERSON_NAME in segment fraud is redact");
    }

    @Test
    void commandsSayWhatToDoNext() {
        Result r = veil("grant", "request", "-p", policy.toString(), "--as", "nobody", "--stream", "orders", "--segment",
                "support", "--class", "EMAIL", "--reason", "x", "--ticket", "y", "--duration", "PT5M");
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_POLICY);
        assertThat(r.err()).contains("veil identity create nobody");
        assertThat(veil("audit", "verify", dir.resolve("none.jsonl").toString()).code()).isEqualTo(ExitCodes.IO);
    }
}
