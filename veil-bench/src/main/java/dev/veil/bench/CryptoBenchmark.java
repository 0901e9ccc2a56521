package dev.veil.bench;

import dev.veil.core.action.Action;
import dev.veil.core.action.ValueOut;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
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
 * The cryptographic actions, one thread: each action alone on a short value (one operation = one value), and
 * whole-record masking of the shared corpus with a cryptographic action on every declared field
 * ({@code veil-bench/peers/crypto-actions.yaml}) next to the same paths redacted ({@code path-rules.yaml}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class CryptoBenchmark {
    private static final String[] CARDS = {"4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005",
        "6011 1111 1111 1117"};
    private static final String[] EMAILS = {"maria.garcia42@example.com", "chen.wang@mail.test", "o.adeyemi@example.org",
        "fatima.haddad7@example.net"};

    private Corpus.Cursor events;
    private int v;
    private JsonMasker pathRules;
    private JsonMasker crypto;
    private Action hash;
    private Action tokenizeCard;
    private Action tokenizeCardLuhn;
    private Action encryptSiv;
    private Action encryptGcm;
    private Action mask;
    private Action fakeName;
    private Action fakeEmail;
    private final Sink sink = new Sink();

    /** Counts output characters so the work cannot be optimized away. */
    static final class Sink implements ValueOut {
        long chars;

        @Override
        public void string(CharSequence s) {
            chars += s.length();
        }

        @Override
        public void number(CharSequence s) {
            chars += s.length();
        }

        @Override
        public void nul() {
            chars++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        events = new Corpus.Cursor(Corpus.load());
        pathRules = new JsonMasker(Corpus.plan("veil-bench/peers/path-rules.yaml", "analytics"));
        Plan cp = Corpus.plan("veil-bench/peers/crypto-actions.yaml", "analytics");
        crypto = new JsonMasker(cp);
        Policy p = cp.policy();
        encryptSiv = cp.action(0, DataClass.EMAIL);
        encryptGcm = cp.action(0, DataClass.PERSON_NAME);
        tokenizeCardLuhn = cp.action(0, DataClass.CREDIT_CARD);
        hash = cp.action(0, DataClass.IP_ADDRESS);
        Policy alt = PolicyLoader.parse("veil: 1\nname: alt\nkeys:\n  default: {keyset: ../../examples/keys/demo.keyset.json}\n"
                + "segments:\n  a:\n    actions:\n      CREDIT_CARD: {tokenize: {keep_last: 4}}\n"
                + "      EMAIL: {mask: {keep_first: 1, keep_domain: true}}\n      default: redact\n"
                + "  f:\n    actions:\n      PERSON_NAME: {fake: {locale: de}}\n      EMAIL: fake\n      default: redact\n",
                "alt", Corpus.root().resolve("veil-bench/peers"));
        Plan ap = Corpus.compile(alt);
        tokenizeCard = ap.action(0, DataClass.CREDIT_CARD);
        mask = ap.action(0, DataClass.EMAIL);
        fakeName = ap.action(1, DataClass.PERSON_NAME);
        fakeEmail = ap.action(1, DataClass.EMAIL);
        if (p.segments().isEmpty()) {
            throw new IllegalStateException("no segment");
        }
    }


    private String card() {
        v = (v + 1) & 3;
        return CARDS[v];
    }

    private String email() {
        v = (v + 1) & 3;
        return EMAILS[v];
    }

    @Benchmark
    public long hashEmail() {
        hash.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long tokenizeCard() {
        tokenizeCard.replace(card(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long tokenizeCardLuhn() {
        tokenizeCardLuhn.replace(card(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long encryptSivEmail() {
        encryptSiv.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long encryptGcmEmail() {
        encryptGcm.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long fakeNameDe() {
        fakeName.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long fakeEmail() {
        fakeEmail.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public long maskEmail() {
        mask.replace(email(), false, sink);
        return sink.chars;
    }

    @Benchmark
    public int recordPathRulesRedact() throws RecordException {
        byte[] e = events.next();
        Views vw = pathRules.mask(e, 0, e.length);
        return vw.length(0);
    }

    @Benchmark
    public int recordCryptoActions() throws RecordException {
        byte[] e = events.next();
        Views vw = crypto.mask(e, 0, e.length);
        return vw.length(0);
    }
}
