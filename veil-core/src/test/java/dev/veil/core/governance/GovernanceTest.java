package dev.veil.core.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.codec.Views;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grants lift masking only inside their scope and window, only when soundly signed; consent suppresses subjects. */
class GovernanceTest {
    static final Identity ALICE = Identity.generate("alice");   // operator
    static final Identity BOB = Identity.generate("bob");       // approver
    static final Identity EVE = Identity.generate("eve");       // not trusted
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final String RECORD = "{\"customer\":{\"id\":\"c-1001\",\"email\":\"ana.silva@example.com\","
            + "\"phone\":\"+1 415 555 0134\"},\"note\":\"call ana.silva@example.com\"}";
    static final String OTHER = RECORD.replace("c-1001", "c-2002");

    @TempDir
    Path dir;
    Policy policy;
    Plan plan;
    TrustStore trust;
    KeyedHash fp;
    GovernanceLedger ledger;

    static String policyText(boolean twoPerson, String onOptOut) {
        return """
                veil: 1
                name: shop
                keys:
                  default: {keyset: prf.json}
                fields:
                  customer.id: NONE
                  customer.email: EMAIL
                  customer.phone: PHONE
                scan: {strings: all}
                segments:
                  analytics: {actions: {EMAIL: hash, default: redact}}
                  support: {actions: {default: redact}}
                consent: {subject: customer.id, on_opt_out: %s}
                grants: {max_ttl: PT1H, two_person: %s, segments: [support]}
                streams:
                  - input: orders
                    segments: [analytics, support]
                """.formatted(onOptOut, twoPerson);
    }

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("prf.json"), KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF));
        load(true, "drop-record");
        trust = TrustStore.empty().with("alice", ALICE.publicKeyText(), Set.of("operator"))
                .with("bob", BOB.publicKeyText(), Set.of("approver"));
        ledger = new GovernanceLedger();
    }

    void load(boolean twoPerson, String onOptOut) throws Exception {
        policy = PolicyLoader.parse(policyText(twoPerson, onOptOut), "shop.yaml", dir);
        KeyRing keys = KeyRing.of(policy.keys());
        plan = Plan.compile(policy, List.of(), keys, Limits.DEFAULT);
        fp = keys.keyedHash(policy.consent().key());
    }

    static Grant grant(String id, String stream, String segment, List<String> classes, List<String> fields,
                       List<String> subjects, String keyPattern, Duration d) {
        return new Grant(id, "shop", stream, segment, classes, fields, subjects, keyPattern, "alice", "fraud case",
                "SUP-17", T0, d, T0.minusSeconds(60));
    }

    static Grant emailGrant() {
        return grant("g1", "orders", "support", List.of("EMAIL"), List.of(), List.of(), null, Duration.ofMinutes(30));
    }

    Governance gov() {
        return ledger.evaluate(policy, trust, fp);
    }

    /** The views of RECORD (or another record) as strings, null for dropped, with uses in the masker. */
    static String[] views(GovernedMasker m, String record, byte[] key, Governance g, long now) throws Exception {
        byte[] b = record.getBytes(StandardCharsets.UTF_8);
        Views v = m.mask(b, 0, b.length, key, g, now);
        String[] out = new String[v.size()];
        for (int s = 0; s < v.size(); s++) {
            out[s] = v.dropped(s) ? null : new String(v.toBytes(s), StandardCharsets.UTF_8);
        }
        return out;
    }

    GovernedMasker masker(String stream) {
        return new GovernedMasker(plan, stream);
    }

    static final int ANALYTICS = 0;
    static final int SUPPORT = 1;

    @Test
    void anApprovedGrantLiftsItsClassesInItsSegmentOnly() throws Exception {
        ledger.add(GrantRecord.request(emailGrant(), ALICE).approve(BOB, T0));
        Governance g = gov();
        assertThat(g.statuses()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(Governance.State.APPROVED));
        GovernedMasker m = masker("orders");
        String[] v = views(m, RECORD, null, g, T0.toEpochMilli() + 1000);
        assertThat(v[SUPPORT]).contains("\"email\":\"ana.silva@example.com\"")
                .contains("call ana.silva@example.com") // detected e-mails in text are lifted too: the class is in scope
                .doesNotContain("555 0134");             // PHONE is outside the scope
        assertThat(v[ANALYTICS]).doesNotContain("ana.silva");
        assertThat(m.uses()).singleElement().satisfies(u -> {
            assertThat(u.grantId()).isEqualTo("g1");
            assertThat(u.segment()).isEqualTo("support");
            assertThat(u.classes()).containsKey("EMAIL").doesNotContainKey("PHONE");
        });
        // another stream is outside the scope
        GovernedMasker tickets = masker("tickets");
        assertThat(views(tickets, RECORD, null, g, T0.toEpochMilli() + 1000)[SUPPORT]).doesNotContain("ana.silva");
        assertThat(tickets.uses()).isEmpty();
    }

    @Test
    void aFieldGrantLiftsThatFieldAndNothingElse() throws Exception {
        ledger.add(GrantRecord.request(grant("g2", "orders", "support", List.of(), List.of("customer.phone"), List.of(), null,
                Duration.ofMinutes(5)), ALICE).approve(BOB, T0));
        String[] v = views(masker("orders"), RECORD, null, gov(), T0.toEpochMilli());
        assertThat(v[SUPPORT]).contains("+1 415 555 0134").doesNotContain("ana.silva");
    }

    @Test
    void windowIsExactToTheMillisecond() throws Exception {
        ledger.add(GrantRecord.request(emailGrant(), ALICE).approve(BOB, T0));
        Governance g = gov();
        GovernedMasker m = masker("orders");
        long start = T0.toEpochMilli();
        long end = T0.plus(Duration.ofMinutes(30)).toEpochMilli();
        assertThat(views(m, RECORD, null, g, start - 1)[SUPPORT]).doesNotContain("ana.silva");
        assertThat(views(m, RECORD, null, g, start)[SUPPORT]).contains("ana.silva");
        assertThat(views(m, RECORD, null, g, end - 1)[SUPPORT]).contains("ana.silva");
        assertThat(views(m, RECORD, null, g, end)[SUPPORT]).doesNotContain("ana.silva");
        assertThat(g.statuses().get(0).describe(end)).isEqualTo("expired");
        assertThat(g.statuses().get(0).describe(start - 1)).isEqualTo("scheduled");
    }

    @Test
    void subjectAndKeyScopesAreHonoured() throws Exception {
        String c1 = Governance.fingerprint(fp, "c-1001");
        ledger.add(GrantRecord.request(grant("g3", "orders", "support", List.of("EMAIL"), List.of(), List.of(c1), null,
                Duration.ofMinutes(5)), ALICE).approve(BOB, T0));
        ledger.add(GrantRecord.request(grant("g4", "orders", "support", List.of("PHONE"), List.of(), List.of(), "order-7.*",
                Duration.ofMinutes(5)), ALICE).approve(BOB, T0));
        Governance g = gov();
        GovernedMasker m = masker("orders");
        long now = T0.toEpochMilli();
        assertThat(views(m, RECORD, null, g, now)[SUPPORT]).contains("ana.silva").doesNotContain("555 0134");
        assertThat(views(m, OTHER, null, g, now)[SUPPORT]).doesNotContain("ana.silva");
        assertThat(views(m, OTHER, "order-77".getBytes(StandardCharsets.UTF_8), g, now)[SUPPORT]).contains("555 0134")
                .doesNotContain("ana.silva");
        assertThat(views(m, OTHER, "order-8".getBytes(StandardCharsets.UTF_8), g, now)[SUPPORT]).doesNotContain("555 0134");
    }

    @Test
    void revocationEndsAGrantButOnlyWhenSignedByATrustedIdentity() throws Exception {
        ledger.add(GrantRecord.request(emailGrant(), ALICE).approve(BOB, T0));
        ledger.add(Revocation.sign("g1", EVE, T0, "not mine to revoke"));
        assertThat(views(masker("orders"), RECORD, null, gov(), T0.toEpochMilli())[SUPPORT]).contains("ana.silva");
        ledger.add(Revocation.sign("g1", ALICE, T0.plusSeconds(1), "case closed"));
        Governance g = gov();
        assertThat(g.statuses().get(0).state()).isEqualTo(Governance.State.REVOKED);
        assertThat(views(masker("orders"), RECORD, null, g, T0.toEpochMilli())[SUPPORT]).doesNotContain("ana.silva");
    }

    @Test
    void forgedEditedUnsignedAndSelfApprovedGrantsHaveNoEffect() throws Exception {
        GrantRecord good = GrantRecord.request(emailGrant(), ALICE).approve(BOB, T0);
        // edited after signing: a longer window, a wider scope
        Grant g = good.grant();
        Grant longer = new Grant(g.id(), g.policy(), g.stream(), g.segment(), g.classes(), g.fields(), g.subjects(),
                g.keyPattern(), g.requester(), g.reason(), g.ticket(), g.start(), Duration.ofMinutes(59), g.requestedAt());
        Grant wider = new Grant("g5", g.policy(), g.stream(), g.segment(), List.of("EMAIL", "PHONE"), g.fields(),
                g.subjects(), g.keyPattern(), g.requester(), g.reason(), g.ticket(), g.start(), g.duration(), g.requestedAt());
        assertInvalid(new GrantRecord(longer, good.requestSig(), good.approver(), good.approvedAt(), good.approvalSig()),
                "request signature");
        assertInvalid(new GrantRecord(wider, good.requestSig(), good.approver(), good.approvedAt(), good.approvalSig()),
                "request signature");
        // the JSON edited on the wire
        String json = new String(good.toJson(), StandardCharsets.UTF_8).replace("PT30M", "PT59M");
        assertInvalid((GrantRecord) GovernanceRecord.parse(json.getBytes(StandardCharsets.UTF_8)), "signature");
        // unsigned, signed by an outsider, approved by an outsider or by an operator who is no approver
        assertInvalid(new GrantRecord(g, "", "bob", T0, good.approvalSig()), "signature");
        Grant byEve = grant("g6", "orders", "support", List.of("EMAIL"), List.of(), List.of(), null, Duration.ofMinutes(5));
        byEve = new Grant(byEve.id(), "shop", "orders", "support", byEve.classes(), byEve.fields(), byEve.subjects(), null,
                "eve", "x", "y", T0, byEve.duration(), T0);
        assertInvalid(GrantRecord.request(byEve, EVE).approve(BOB, T0), "not a trusted identity");
        assertInvalid(GrantRecord.request(emailGrant(), ALICE).approve(EVE, T0), "not a trusted identity");
        TrustStore both = trust.with("alice", ALICE.publicKeyText(), Set.of("operator"));
        assertThat(Governance.problem(GrantRecord.request(emailGrant(), ALICE).approve(ALICE, T0), policy, both))
                .contains("approval signature");
        // two-person rule: alice may approve, but not her own request
        trust = trust.with("alice", ALICE.publicKeyText(), Set.of("operator", "approver"));
        assertInvalid(GrantRecord.request(emailGrant(), ALICE).approve(ALICE, T0), "two people");
        load(false, "drop-record");
        assertThat(Governance.problem(GrantRecord.request(emailGrant(), ALICE).approve(ALICE, T0), policy, trust)).isNull();
    }

    @Test
    void policyLimitsBindEveryGrant() throws Exception {
        assertInvalid(GrantRecord.request(grant("a", "orders", "support", List.of("EMAIL"), List.of(), List.of(), null,
                Duration.ofHours(2)), ALICE).approve(BOB, T0), "max_ttl");
        assertInvalid(GrantRecord.request(grant("b", "orders", "analytics", List.of("EMAIL"), List.of(), List.of(), null,
                Duration.ofHours(1)), ALICE).approve(BOB, T0), "only in segments");
        assertInvalid(GrantRecord.request(grant("c", "orders", "support", List.of("NOPE"), List.of(), List.of(), null,
                Duration.ofHours(1)), ALICE).approve(BOB, T0), "unknown class");
        // pending grants have no effect
        ledger.add(GrantRecord.request(emailGrant(), ALICE));
        Governance g = gov();
        assertThat(g.statuses().get(0).state()).isEqualTo(Governance.State.PENDING);
        assertThat(views(masker("orders"), RECORD, null, g, T0.toEpochMilli())[SUPPORT]).doesNotContain("ana.silva");
    }

    void assertInvalid(GrantRecord r, String why) {
        GovernanceLedger l = new GovernanceLedger();
        l.add(r);
        Governance g = l.evaluate(policy, trust, fp);
        assertThat(g.statuses()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(Governance.State.INVALID);
            assertThat(s.problem()).contains(why);
        });
        assertThat(g.anyGrants()).isFalse();
    }

    @Test
    void optedOutSubjectsVanishFromEverySegmentAndGrantsDoNotBringThemBack() throws Exception {
        String c1 = Governance.fingerprint(fp, "c-1001");
        ledger.add(GrantRecord.request(emailGrant(), ALICE).approve(BOB, T0));
        ledger.add(ConsentChange.sign(c1, true, ALICE, T0));
        Governance g = gov();
        GovernedMasker m = masker("orders");
        String[] v = views(m, RECORD, null, g, T0.toEpochMilli());
        assertThat(v).containsOnlyNulls();
        assertThat(m.suppressed()).isTrue();
        assertThat(views(m, OTHER, null, g, T0.toEpochMilli())[SUPPORT]).contains("ana.silva"); // other subject: grant works
        // a later opt-in restores; an older opt-in replayed after does not undo a newer opt-out
        ledger.add(ConsentChange.sign(c1, false, ALICE, T0.plusSeconds(5)));
        assertThat(views(m, RECORD, null, gov(), T0.toEpochMilli())[ANALYTICS]).isNotNull();
        ledger.add(ConsentChange.sign(c1, true, ALICE, T0.plusSeconds(9)));
        ledger.add(ConsentChange.sign(c1, false, ALICE, T0.plusSeconds(7)));
        assertThat(views(m, RECORD, null, gov(), T0.toEpochMilli())[ANALYTICS]).isNull();
        // a consent change by an outsider counts for nothing
        GovernanceLedger forged = new GovernanceLedger();
        forged.add(ConsentChange.sign(c1, true, EVE, T0));
        assertThat(forged.evaluate(policy, trust, fp).anyOptOut()).isFalse();
    }

    @Test
    void redactAllKeepsShapeButNoValue() throws Exception {
        load(true, "redact-all");
        ledger.add(ConsentChange.sign(Governance.fingerprint(fp, "c-1001"), true, ALICE, T0));
        String[] v = views(masker("orders"), RECORD, null, gov(), T0.toEpochMilli());
        for (String view : v) {
            assertThat(view).isEqualTo("{\"customer\":{\"id\":\"[REDACTED]\",\"email\":\"[REDACTED]\",\"phone\":\"[REDACTED]\"},"
                    + "\"note\":\"[REDACTED]\"}");
        }
    }

    @Test
    void recordsRoundTripThroughJson() {
        GrantRecord r = GrantRecord.request(grant("g9", "orders", "support", List.of("EMAIL"), List.of("a.b"),
                List.of("ff"), "k.*", Duration.ofMinutes(3)), ALICE).approve(BOB, T0.plusMillis(7));
        assertThat(GovernanceRecord.parse(r.toJson())).isEqualTo(r);
        Revocation v = Revocation.sign("g9", BOB, T0, "done");
        assertThat(GovernanceRecord.parse(v.toJson())).isEqualTo(v);
        ConsentChange c = ConsentChange.sign("ab", true, ALICE, T0);
        assertThat(GovernanceRecord.parse(c.toJson())).isEqualTo(c);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GovernanceRecord.parse(
                "{\"kind\":\"consent\",\"subject\":\"ab\",\"state\":\"opted-out\",\"by\":\"a\",\"at\":\"2026-11-24T10:00:00Z\",\"sig\":\"x\",\"extra\":\"1\"}"
                        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown member");
    }
}
