package dev.veil.kafka;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyException;
import dev.veil.core.governance.Governance;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.keys.Sealer;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.StreamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy compiled for every stream it declares: what the service masks with. Immutable and shared by all
 * stream threads; a policy activation replaces the whole deployment at once, so a record is never masked with
 * half of one version and half of another.
 */
public final class Deployment {
    private final Policy policy;
    private final Map<String, Plan> plans;
    private final Sealer quarantine;
    private final KeyedHash fingerprints;
    private final Governance governance;

    private Deployment(Policy policy, Map<String, Plan> plans, Sealer quarantine, KeyedHash fingerprints,
                       Governance governance) {
        this.policy = policy;
        this.plans = plans;
        this.quarantine = quarantine;
        this.fingerprints = fingerprints;
        this.governance = governance;
    }

    /** The same plans with other grants and consent in force (plans are shared: maskers need no rebuild). */
    public Deployment withGovernance(Governance g) {
        return new Deployment(policy, plans, quarantine, fingerprints, g);
    }

    /** Grants and consent in force with this deployment. */
    public Governance governance() {
        return governance;
    }

    /** The consent key's HMAC for subject fingerprints, or null when the policy has no consent section. */
    public KeyedHash fingerprints() {
        return fingerprints;
    }

    /**
     * Compiles a policy for the service.
     *
     * @throws PlanException when the policy has no streams, a stream uses a format the service cannot read yet,
     *                       or a segment or key cannot be compiled
     */
    public static Deployment compile(Policy policy, Limits limits) throws PlanException {
        if (policy.streams().isEmpty()) {
            throw new PlanException(policy.source() + ": streams: the policy declares no streams; add one per input topic"
                    + " (input, format, segments, output) to run it as a service");
        }
        KeyRing keys = KeyRing.of(policy.keys());
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (StreamSpec s : policy.streams()) {
            if (!"json".equals(s.format()) && policy.consent() != null) {
                // consent must suppress opted-out subjects; this version reads the subject id from JSON records
                // only, and a stream that ignored opt-outs would fail open
                throw new PlanException(s.location() + ": streams: input " + s.input() + " is " + s.format()
                        + ", and this version applies consent: (opt-outs) to JSON streams only; remove consent: or run"
                        + " the stream as json");
            }
            if (plans.containsKey(s.input())) {
                throw new PlanException(s.location() + ": streams: input " + s.input() + " is declared twice");
            }
            plans.put(s.input(), Plan.compile(policy, s.segments(), keys, limits));
        }
        Sealer sealer = null;
        KeyedHash fp = null;
        try {
            if (keys.has("quarantine")) {
                sealer = keys.sealer("quarantine");
            }
            if (policy.consent() != null) {
                fp = keys.keyedHash(policy.consent().key());
            }
        } catch (KeyException e) {
            throw new PlanException(e.getMessage());
        }
        return new Deployment(policy, Map.copyOf(plans), sealer, fp, Governance.NONE);
    }

    public Policy policy() {
        return policy;
    }

    /** The stream reading {@code input}. */
    public StreamSpec stream(String input) {
        for (StreamSpec s : policy.streams()) {
            if (s.input().equals(input)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no stream reads " + input);
    }

    /** The format of the stream reading {@code input}. */
    public String format(String input) {
        return stream(input).format();
    }

    /** The plan of the stream reading {@code input}. */
    public Plan plan(String input) {
        Plan p = plans.get(input);
        if (p == null) {
            throw new IllegalArgumentException("no stream reads " + input);
        }
        return p;
    }

    /** The quarantine key's sealer, or null when the policy has no {@code quarantine} key. */
    public Sealer quarantineSealer() {
        return quarantine;
    }

    /**
     * The topics this deployment reads and writes, in a comparable form: a new policy can be activated without
     * restart only when its shape is the same (streams, segments and output topics fixed the topology).
     */
    public List<String> shape() {
        return shape(policy);
    }

    /** The shape of a policy; see {@link #shape()}. */
    public static List<String> shape(Policy policy) {
        List<String> out = new ArrayList<>();
        for (StreamSpec s : policy.streams()) {
            StringBuilder sb = new StringBuilder(s.input()).append(':').append(s.format());
            for (String seg : s.segments()) {
                sb.append(' ').append(seg).append("->").append(s.outputFor(seg));
            }
            out.add(sb.toString());
        }
        return List.copyOf(out);
    }
}
