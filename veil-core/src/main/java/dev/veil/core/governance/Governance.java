package dev.veil.core.governance;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.PathPattern;
import dev.veil.core.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What grants and consent mean right now for one policy: the grants that verify (signatures, trusted identities
 * and roles, two-person rule, policy limits, not revoked) and the set of opted-out subject fingerprints. Immutable
 * and thread-safe; the masking path reads it, the control thread replaces it. Time windows are checked per record.
 */
public final class Governance {
    /** No grants, no opt-outs. */
    public static final Governance NONE = new Governance(Map.of(), List.of(), Set.of(), null);

    /** A grant's standing, for lists and for audit. */
    public enum State { PENDING, APPROVED, REVOKED, INVALID }

    /** One grant as this policy and trust store see it. */
    public record Status(GrantRecord record, State state, String problem) {
        public Grant grant() {
            return record.grant();
        }

        /** "pending", "revoked", "invalid", or for approved grants "scheduled", "active" or "expired" at {@code now}. */
        public String describe(long now) {
            if (state != State.APPROVED) {
                return state.name().toLowerCase(java.util.Locale.ROOT);
            }
            Grant g = record.grant();
            return now < g.start().toEpochMilli() ? "scheduled" : g.activeAt(now) ? "active" : "expired";
        }
    }

    /** An approved, verified grant compiled for matching. */
    public record Effective(Grant grant, Set<DataClass> classes, List<PathPattern> fields, Set<String> subjects,
                            Pattern keyPattern) {
        public boolean needsSubject() {
            return !subjects.isEmpty();
        }
    }

    private final Map<String, List<Effective>> byStreamSegment;
    private final List<Status> statuses;
    private final Set<String> optedOut;
    private final KeyedHash fingerprints;

    private Governance(Map<String, List<Effective>> byStreamSegment, List<Status> statuses, Set<String> optedOut,
                       KeyedHash fingerprints) {
        this.byStreamSegment = byStreamSegment;
        this.statuses = statuses;
        this.optedOut = optedOut;
        this.fingerprints = fingerprints;
    }

    /**
     * Evaluates the latest records against a policy and trust store.
     *
     * @param fingerprints the consent key's HMAC (null when the policy has no consent section)
     */
    public static Governance evaluate(Collection<GrantRecord> grants, Collection<Revocation> revocations,
                                      Collection<ConsentChange> consent, Policy policy, TrustStore trust,
                                      KeyedHash fingerprints) {
        Set<String> revoked = new HashSet<>();
        for (Revocation r : revocations) {
            byte[] msg = Revocation.message(r.grantId(), r.by(), r.at(), r.reason());
            if (trust.verify(r.by(), "approver", msg, r.sig()) || trust.verify(r.by(), "operator", msg, r.sig())) {
                revoked.add(r.grantId());
            }
        }
        // Several records may share an id (pending, then approved; or a forged copy): the soundest one counts.
        Map<String, Status> best = new LinkedHashMap<>();
        for (GrantRecord gr : grants) {
            String problem = problem(gr, policy, trust);
            State state = problem != null ? State.INVALID : revoked.contains(gr.grant().id()) ? State.REVOKED
                    : gr.approved() ? State.APPROVED : State.PENDING;
            Status st = new Status(gr, state, problem);
            Status prev = best.get(gr.grant().id());
            if (prev == null || rank(state) > rank(prev.state())) {
                best.put(gr.grant().id(), st);
            }
        }
        Map<String, List<Effective>> eff = new HashMap<>();
        for (Status st : best.values()) {
            if (st.state() != State.APPROVED) {
                continue;
            }
            Grant g = st.grant();
            Set<DataClass> classes = new LinkedHashSet<>();
            for (String c : g.classes()) {
                classes.add(policy.classTable().get(c));
            }
            List<PathPattern> fields = new ArrayList<>();
            for (String f : g.fields()) {
                fields.add(PathPattern.parse(f));
            }
            eff.computeIfAbsent(g.stream() + "\u0000" + g.segment(), k -> new ArrayList<>())
                    .add(new Effective(g, Set.copyOf(classes), List.copyOf(fields), Set.copyOf(g.subjects()),
                            g.keyPattern() == null ? null : Pattern.compile(g.keyPattern())));
        }
        List<Status> statuses = new ArrayList<>(best.values());
        // the latest signed change per subject wins, by its own time: a replayed older opt-in cannot undo an opt-out
        Map<String, ConsentChange> latest = new HashMap<>();
        for (ConsentChange c : consent) {
            if (!trust.verify(c.by(), "operator", ConsentChange.message(c.subject(), c.optedOut(), c.by(), c.at()), c.sig())) {
                continue;
            }
            ConsentChange prev = latest.get(c.subject());
            if (prev == null || c.at().isAfter(prev.at()) || (c.at().equals(prev.at()) && c.optedOut())) {
                latest.put(c.subject(), c);
            }
        }
        Set<String> out = new HashSet<>();
        latest.forEach((fp, c) -> {
            if (c.optedOut()) {
                out.add(fp);
            }
        });
        Map<String, List<Effective>> frozen = new LinkedHashMap<>();
        eff.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new Governance(Map.copyOf(frozen), List.copyOf(statuses), Set.copyOf(out), fingerprints);
    }

    private static int rank(State s) {
        return switch (s) {
            case INVALID -> 0;
            case PENDING -> 1;
            case APPROVED -> 2;
            case REVOKED -> 3;
        };
    }

    /** Why a grant has no effect under this policy and trust store, or null when it is sound. */
    static String problem(GrantRecord gr, Policy policy, TrustStore trust) {
        Grant g = gr.grant();
        if (!trust.verify(g.requester(), "operator", GovernanceRecord.requestMessage(g), gr.requestSig())) {
            return trust.member(g.requester()) == null ? "requester " + g.requester() + " is not a trusted identity"
                    : "the request signature does not verify (edited, or not signed by " + g.requester() + " as operator)";
        }
        if (gr.approved()) {
            if (!trust.verify(gr.approver(), "approver", GovernanceRecord.approvalMessage(g, gr.approver(), gr.approvedAt()),
                    gr.approvalSig())) {
                return trust.member(gr.approver()) == null ? "approver " + gr.approver() + " is not a trusted identity"
                        : "the approval signature does not verify (edited, or " + gr.approver() + " is not an approver)";
            }
            if (policy.grants() != null && policy.grants().twoPerson() && gr.approver().equals(g.requester())) {
                return "self-approved, and the policy requires two people";
            }
        }
        if (!g.policy().equals(policy.name())) {
            return "made for policy " + g.policy() + ", not " + policy.name();
        }
        if (policy.grants() == null) {
            return "policy " + policy.name() + " allows no grants (no grants: section)";
        }
        if (!policy.grants().segments().contains(g.segment())) {
            return "policy " + policy.name() + " allows grants only in segments " + policy.grants().segments();
        }
        if (g.duration().isNegative() || g.duration().isZero()) {
            return "duration must be positive";
        }
        if (g.duration().compareTo(policy.grants().maxTtl()) > 0) {
            return "lasts " + g.duration() + ", longer than the policy's max_ttl " + policy.grants().maxTtl();
        }
        if (g.classes().isEmpty() && g.fields().isEmpty()) {
            return "names no class and no field";
        }
        for (String c : g.classes()) {
            DataClass dc = policy.classTable().get(c);
            if (dc == null || dc == DataClass.NONE) {
                return "unknown class " + c;
            }
        }
        for (String f : g.fields()) {
            try {
                PathPattern.parse(f);
            } catch (IllegalArgumentException e) {
                return "invalid field path: " + e.getMessage();
            }
        }
        if (!g.subjects().isEmpty() && policy.consent() == null) {
            return "names subjects, but the policy has no consent.subject path to find them";
        }
        if (g.keyPattern() != null) {
            try {
                Pattern.compile(g.keyPattern());
            } catch (PatternSyntaxException e) {
                return "invalid key pattern";
            }
        }
        return null;
    }

    /**
     * What a reveal asks for: re-identifying values of {@code dataClass} in {@code segment}'s view under the grant
     * {@code grantId}, by {@code actor}. {@code field} (member names, or empty), {@code subjectId} and
     * {@code recordKey} (or null) say where the values came from, for grants scoped to fields, subjects or keys.
     */
    public record RevealRequest(String grantId, String actor, String segment, DataClass dataClass, List<String> field,
                                String subjectId, String recordKey) {
        public RevealRequest {
            field = List.copyOf(field);
        }
    }

    /**
     * Whether {@code r} may go ahead at {@code epochMillis}: null when an approved, active grant requested by the
     * actor covers it, else why not (fit for the actor; never a value). A reveal is the strongest lift there is, so
     * only the grant's own requester may use it, and only inside its scope and window.
     */
    public String revealRefusal(RevealRequest r, long epochMillis) {
        Status st = null;
        for (Status s : statuses) {
            if (s.grant().id().equals(r.grantId())) {
                st = s;
            }
        }
        if (st == null) {
            return "no grant " + r.grantId() + " in the store";
        }
        Grant g = st.grant();
        if (st.state() != State.APPROVED) {
            return "grant " + g.id() + " is " + st.describe(epochMillis) + (st.problem() == null ? "" : ": " + st.problem());
        }
        if (!g.activeAt(epochMillis)) {
            return "grant " + g.id() + " is " + st.describe(epochMillis) + " (" + GovernanceRecord.time(g.start()) + " to "
                    + GovernanceRecord.time(g.end()) + ")";
        }
        if (!g.requester().equals(r.actor())) {
            return "grant " + g.id() + " was requested by " + g.requester() + "; only the requester may reveal under it";
        }
        if (!g.segment().equals(r.segment())) {
            return "grant " + g.id() + " is for segment " + g.segment() + ", not " + r.segment();
        }
        Effective e = null;
        for (Effective x : grants(g.stream(), g.segment())) {
            if (x.grant().id().equals(g.id())) {
                e = x;
            }
        }
        if (e == null) {
            return "grant " + g.id() + " has no effect under this policy";
        }
        boolean byField = false;
        for (PathPattern p : e.fields()) {
            byField |= !r.field().isEmpty() && p.matches(r.field());
        }
        if (!e.classes().contains(r.dataClass()) && !byField) {
            return "grant " + g.id() + " covers " + (g.classes().isEmpty() ? "" : "classes " + g.classes() + " ")
                    + (g.fields().isEmpty() ? "" : "fields " + g.fields() + " ") + "but not " + r.dataClass().name()
                    + (r.field().isEmpty() ? "" : " at " + String.join(".", r.field()));
        }
        if (e.needsSubject()) {
            if (r.subjectId() == null) {
                return "grant " + g.id() + " covers some data subjects only: name the values' subject (--subject)";
            }
            if (fingerprints == null || !e.subjects().contains(fingerprint(r.subjectId()))) {
                return "grant " + g.id() + " does not cover that data subject";
            }
        }
        if (e.keyPattern() != null) {
            if (r.recordKey() == null) {
                return "grant " + g.id() + " covers records by key only: name the values' record key (--record-key)";
            }
            if (!e.keyPattern().matches(r.recordKey())) {
                return "grant " + g.id() + " does not cover that record key";
            }
        }
        return null;
    }

    /** Verified, approved, unrevoked grants for a stream and segment (their time windows still to check). */
    public List<Effective> grants(String stream, String segment) {
        List<Effective> l = byStreamSegment.get(stream + "\u0000" + segment);
        return l == null ? List.of() : l;
    }

    /** Whether any grant at all is effective (time windows aside). */
    public boolean anyGrants() {
        return !byStreamSegment.isEmpty();
    }

    /** Every grant record seen, with its standing. */
    public List<Status> statuses() {
        return statuses;
    }

    /** Whether any subject has opted out. */
    public boolean anyOptOut() {
        return !optedOut.isEmpty();
    }

    public int optedOutCount() {
        return optedOut.size();
    }

    public boolean optedOut(String fingerprint) {
        return fingerprint != null && optedOut.contains(fingerprint);
    }

    /** The keyed fingerprint of a subject id, or null when the policy has no consent key. */
    public String fingerprint(String subjectId) {
        return fingerprints == null || subjectId == null ? null : fingerprint(fingerprints, subjectId);
    }

    /** The fingerprint of {@code subjectId} under {@code key}: HMAC-SHA256 of a domain-separated id, hex. */
    public static String fingerprint(KeyedHash key, String subjectId) {
        return HexFormat.of().formatHex(key.hash(("veil-subject\u0000" + subjectId).getBytes(StandardCharsets.UTF_8)));
    }
}
