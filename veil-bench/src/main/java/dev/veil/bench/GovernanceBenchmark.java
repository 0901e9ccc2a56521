package dev.veil.bench;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.GovernedMasker;
import dev.veil.core.governance.Grant;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What grants and consent cost per record: {@code examples/retail.yaml}, both segments, one thread, one operation =
 * one event of the shared corpus.
 *
 * <ul>
 *   <li>{@code plain}: the JSON masker alone, the baseline.</li>
 *   <li>{@code governedNothing}: through {@code GovernedMasker} with no grant and no opt-out — what every record
 *       pays in the service and {@code veil mask}.</li>
 *   <li>{@code governedOptOuts}: 10,000 opted-out subjects, none of them in the corpus: each record's subject id is
 *       read and fingerprinted (HMAC-SHA256).</li>
 *   <li>{@code governedGrant}: an active grant lifting EMAIL in the support segment of every record: each record
 *       is masked a second time with the lifted plan.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class GovernanceBenchmark {
    private static final String STREAM = "orders";
    private Corpus.Cursor events;
    private JsonMasker plain;
    private GovernedMasker governed;
    private Governance optOuts;
    private Governance grant;
    private long now;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        events = new Corpus.Cursor(Corpus.load());
        Policy p = PolicyLoader.load(Corpus.root().resolve("examples/retail.yaml"));
        KeyRing keys = KeyRing.of(p.keys());
        Plan plan = Plan.compile(p, List.of(), keys, Limits.DEFAULT);
        plain = new JsonMasker(plan);
        governed = new GovernedMasker(plan, STREAM);
        KeyedHash fp = keys.keyedHash(p.consent().key());
        Identity alice = Identity.generate("alice");
        Identity bob = Identity.generate("bob");
        TrustStore trust = TrustStore.empty().with("alice", alice.publicKeyText(), Set.of("operator"))
                .with("bob", bob.publicKeyText(), Set.of("approver"));
        Instant t0 = Instant.now();
        now = t0.toEpochMilli();
        GovernanceLedger consent = new GovernanceLedger();
        for (int i = 0; i < 10_000; i++) {
            consent.add(GovernanceRecord.ConsentChange.sign(Governance.fingerprint(fp, "not-in-corpus-" + i), true, alice, t0));
        }
        optOuts = consent.evaluate(p, trust, fp);
        GovernanceLedger grants = new GovernanceLedger();
        Grant g = new Grant("g-bench", p.name(), STREAM, "support", List.of("EMAIL"), List.of(), List.of(), null, "alice",
                "benchmark", "BENCH-1", t0.minusSeconds(1), Duration.ofHours(1), t0.minusSeconds(2));
        grants.add(GovernanceRecord.GrantRecord.request(g, alice).approve(bob, t0));
        grant = grants.evaluate(p, trust, fp);
        if (!grant.anyGrants() || optOuts.optedOutCount() != 10_000) {
            throw new IllegalStateException("benchmark governance did not evaluate as intended");
        }
    }

    @Benchmark
    public int plain() throws RecordException {
        byte[] e = events.next();
        Views v = plain.mask(e, 0, e.length);
        return v.length(0) + v.length(1);
    }

    @Benchmark
    public int governedNothing() throws RecordException {
        return governed(Governance.NONE);
    }

    @Benchmark
    public int governedOptOuts() throws RecordException {
        return governed(optOuts);
    }

    @Benchmark
    public int governedGrant() throws RecordException {
        return governed(grant);
    }

    private int governed(Governance g) throws RecordException {
        byte[] e = events.next();
        Views v = governed.mask(e, 0, e.length, null, g, now);
        return v.length(0) + v.length(1);
    }
}
