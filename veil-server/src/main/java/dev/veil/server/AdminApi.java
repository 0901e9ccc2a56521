package dev.veil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.governance.Grant;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The governance half of the API: grants (request, approve, revoke, list), consent (change, look up) and the
 * audit log (query). Records are signed with the acting principal's own identity from the store, so the service
 * instances verify them as they verify the command line's, and the two-person rule is the policy's, unchanged.
 * Subject ids arrive in request bodies only (never URLs, which proxies log) and are turned into keyed
 * fingerprints at once.
 */
final class AdminApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int AUDIT_QUERY_MAX = 1000;
    /** The audit fields that name a person, any of which {@code who} matches. */
    private static final List<String> WHO = List.of("principal", "actor", "requester", "approver");

    private final GovernanceStore store;
    private final Supplier<Policy> policy;
    private final Path auditFile;
    private final VeilServer server;
    /** Grants and consent as last evaluated, for /v1/mask; re-read when stale or after a change made here. */
    private volatile Snapshot snapshot;
    private final java.util.concurrent.locks.ReentrantLock refresh = new java.util.concurrent.locks.ReentrantLock();
    /** The consent key of the active policy, loaded once per policy rather than per request. */
    private volatile ConsentKey consentKey;
    static final long GOVERNANCE_TTL_MS = 1000;
    static final long OUTAGE_GRACE_MS = 60_000;

    /** What the store said under {@code policy} at {@code at} (epoch ms). */
    private record Snapshot(Governance governance, Policy policy, long at) {
        boolean fresh(Policy p, long now, long ttl) {
            return policy == p && now - at < ttl;
        }
    }

    private record ConsentKey(Policy policy, KeyedHash key) {
    }

    /** What a governance route does with its request, once the store is known to be there. */
    interface Route {
        void handle(Context ctx) throws Exception;
    }

    /** As {@link Route}, with the request body already parsed as a JSON object. */
    interface BodyRoute {
        void handle(Context ctx, JsonNode body) throws Exception;
    }

    AdminApi(VeilServer server, GovernanceStore store, Supplier<Policy> policy, Path auditFile) {
        this.server = server;
        this.store = store;
        this.policy = policy;
        this.auditFile = auditFile;
    }

    private KeyedHash fingerprints(Policy p) throws Exception {
        if (p.consent() == null) {
            return null;
        }
        ConsentKey k = consentKey;
        if (k == null || k.policy() != p) {
            k = new ConsentKey(p, KeyRing.of(p.keys()).keyedHash(p.consent().key()));
            consentKey = k;
        }
        return k.key();
    }

    private Governance evaluate(GovernanceLedger l) throws Exception {
        Policy p = policy.get();
        return l.evaluate(p, store.trust(), fingerprints(p));
    }

    /**
     * Grants and consent in force now, evaluated against the active policy at most {@link #GOVERNANCE_TTL_MS} ago.
     * One thread re-reads the store while others keep the previous answer; when there is none, the error
     * propagates and the caller refuses to mask.
     */
    Governance governance() throws Exception {
        if (store == null) {
            return Governance.NONE;
        }
        Policy p = policy.get();
        Snapshot s = snapshot;
        if (s != null && s.fresh(p, System.currentTimeMillis(), GOVERNANCE_TTL_MS)) {
            return s.governance();
        }
        if (!refresh.tryLock()) {
            if (s != null && s.fresh(p, System.currentTimeMillis(), OUTAGE_GRACE_MS)) {
                return s.governance(); // another thread is re-reading: this answer is at most a moment older
            }
            refresh.lock(); // no answer to give meanwhile (none yet, another policy, or cleared by a change)
        }
        try {
            s = snapshot;
            if (s != null && s.fresh(p, System.currentTimeMillis(), GOVERNANCE_TTL_MS)) {
                return s.governance();
            }
            try {
                Governance g = evaluate(store.ledger());
                snapshot = new Snapshot(g, p, System.currentTimeMillis());
                return g;
            } catch (Exception e) {
                if (s != null && s.fresh(p, System.currentTimeMillis(), OUTAGE_GRACE_MS)) {
                    return s.governance(); // a short outage: the answer of under a minute ago still stands
                }
                throw e;
            }
        } finally {
            refresh.unlock();
        }
    }

    /** A route that needs the store: 404 without one. */
    Handler route(Route r) {
        return ctx -> {
            if (store == null) {
                VeilServer.error(ctx, 404, "this server has no grant store (start it with veil serve, which uses HOME's)");
            } else {
                r.handle(ctx);
            }
        };
    }

    /** A route that needs the store and a JSON object body: 404 or 400 otherwise. */
    Handler withBody(BodyRoute r) {
        return route(ctx -> {
            JsonNode body = body(ctx);
            if (body != null) {
                r.handle(ctx, body);
            }
        });
    }

    /**
     * Stores a signed record, audits it as the principal's action and makes the next {@link #governance()} re-read
     * the store, so this server's own /v1/mask sees the change at once.
     */
    private void publish(Context ctx, Identity me, GovernanceRecord r) throws Exception {
        store.publish(r, me.name());
        snapshot = null;
        server.audit(r.auditType(), ctx, VeilServer.principal(ctx), r.auditFields());
    }

    /** The fingerprint of a subject id under the active policy's consent key, or null after answering 409. */
    /** The subjects' fingerprints, or null once one could not be taken (the error is already answered). */
    private List<String> subjectFingerprints(Context ctx, Iterable<String> subjects) throws Exception {
        List<String> fps = new ArrayList<>();
        for (String s : subjects) {
            String fp = fingerprint(ctx, s);
            if (fp == null) {
                return null;
            }
            fps.add(fp);
        }
        return fps;
    }

    private String fingerprint(Context ctx, String subject) throws Exception {
        KeyedHash fh = fingerprints(policy.get());
        if (fh == null) {
            VeilServer.error(ctx, 409, "policy " + policy.get().name() + " has no consent: section (consent.subject"
                    + " says where the subject id is in records)");
            return null;
        }
        return Governance.fingerprint(fh, subject);
    }

    /** The acting principal's signing identity, or an answer saying how to get one. */
    private Identity signer(Context ctx) throws Exception {
        Principal p = VeilServer.principal(ctx);
        Identity id = Identity.validName(p.name()) ? store.identity(p.name()) : null;
        if (id == null) {
            VeilServer.error(ctx, 409, p.name() + " has no signing identity on this server; create one with"
                    + " 'veil identity create " + p.name() + " --roles ROLE' in the server's HOME");
        }
        return id;
    }

    void listGrants(Context ctx) throws Exception {
        Governance g = governance();
        long now = System.currentTimeMillis();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Governance.Status s : g.statuses()) {
            out.add(describe(s, now));
        }
        VeilServer.json(ctx, 200, Map.of("grants", out, "store", store.describe()));
    }

    private static Map<String, Object> describe(Governance.Status s, long now) {
        Grant gr = s.grant();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", gr.id());
        m.put("state", s.describe(now));
        m.put("stream", gr.stream());
        m.put("segment", gr.segment());
        m.put("classes", gr.classes());
        m.put("fields", gr.fields());
        m.put("subjects", gr.subjects().size());
        m.put("requester", gr.requester());
        m.put("approver", s.record().approved() ? s.record().approver() : null);
        m.put("reason", gr.reason());
        m.put("ticket", gr.ticket());
        m.put("start", gr.start().toString());
        m.put("end", gr.end().toString());
        m.put("seconds_left", Math.max(0, (gr.end().toEpochMilli() - now) / 1000));
        if (s.problem() != null) {
            m.put("problem", s.problem());
        }
        return m;
    }

    /** {@code {stream, segment, classes[], fields[], subjects[], key_pattern, reason, ticket, duration, start}}. */
    void requestGrant(Context ctx, JsonNode req) throws Exception {
        String stream = text(req, "stream");
        String segment = text(req, "segment");
        String reason = text(req, "reason");
        String ticket = text(req, "ticket");
        String duration = text(req, "duration");
        if (stream == null || segment == null || reason == null || ticket == null || duration == null) {
            VeilServer.error(ctx, 400, "a grant request needs stream, segment, reason, ticket and duration (e.g. PT30M),"
                    + " and classes or fields");
            return;
        }
        Instant from;
        Duration d;
        try {
            String start = text(req, "start");
            from = (start == null ? Instant.now() : Instant.parse(start)).truncatedTo(ChronoUnit.MILLIS);
            d = Duration.parse(duration);
        } catch (DateTimeParseException e) {
            VeilServer.error(ctx, 400, "start takes an instant such as 2026-11-24T10:00:00Z and duration one such as PT30M");
            return;
        }
        Policy p = policy.get();
        List<String> fps = subjectFingerprints(ctx, strings(req.path("subjects")));
        if (fps == null) {
            return;
        }
        Identity me = signer(ctx);
        if (me == null) {
            return;
        }
        Grant g = new Grant(Grant.newId(), p.name(), stream, segment, strings(req.path("classes")),
                strings(req.path("fields")), fps, text(req, "key_pattern"), me.name(), reason, ticket, from, d,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        GrantRecord r = GrantRecord.request(g, me);
        Governance.Status st = statusOf(r);
        if (st.state() == Governance.State.INVALID) {
            server.audit("grant-refused", ctx, VeilServer.principal(ctx), Map.of("problem", st.problem()));
            VeilServer.error(ctx, 422, st.problem());
            return;
        }
        publish(ctx, me, r);
        VeilServer.json(ctx, 201, describe(st, System.currentTimeMillis()));
    }

    private Governance.Status statusOf(GrantRecord r) throws Exception {
        GovernanceLedger l = new GovernanceLedger();
        l.add(r);
        return evaluate(l).statuses().get(0);
    }

    void approveGrant(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        GrantRecord pending = null;
        for (GrantRecord r : store.ledger().grant(id)) {
            if (!r.approved()) {
                pending = r;
            }
        }
        if (pending == null) {
            VeilServer.error(ctx, 404, "no pending grant " + id);
            return;
        }
        Identity me = signer(ctx);
        if (me == null) {
            return;
        }
        GrantRecord approved = pending.approve(me, Instant.now());
        Governance.Status st = statusOf(approved);
        if (st.state() != Governance.State.APPROVED) {
            server.audit("grant-refused", ctx, VeilServer.principal(ctx), Map.of("grant", id, "problem", st.problem()));
            VeilServer.error(ctx, 422, st.problem());
            return;
        }
        publish(ctx, me, approved);
        VeilServer.json(ctx, 200, describe(st, System.currentTimeMillis()));
    }

    /** {@code {reason}}. */
    void revokeGrant(Context ctx, JsonNode req) throws Exception {
        String reason = text(req, "reason");
        if (reason == null) {
            VeilServer.error(ctx, 400, "say why: {\"reason\": \"...\"}");
            return;
        }
        String id = ctx.pathParam("id");
        if (store.ledger().grant(id).isEmpty()) {
            VeilServer.error(ctx, 404, "no grant " + id);
            return;
        }
        Identity me = signer(ctx);
        if (me == null) {
            return;
        }
        if (!store.trust().holds(me, "operator", "approver")) {
            VeilServer.error(ctx, 403, me.name() + " is not trusted as operator or approver; instances would ignore it");
            return;
        }
        publish(ctx, me, Revocation.sign(id, me, Instant.now(), reason));
        VeilServer.json(ctx, 200, Map.of("id", id, "state", "revoked", "by", me.name()));
    }

    /** {@code {subject}}: whether that data subject has opted out. The id is fingerprinted, never echoed. */
    void consentLookup(Context ctx, JsonNode req) throws Exception {
        String subject = text(req, "subject");
        if (subject == null) {
            VeilServer.error(ctx, 400, "send {\"subject\": \"ID\"}");
            return;
        }
        String fp = fingerprint(ctx, subject);
        if (fp == null) {
            return;
        }
        boolean out = governance().optedOut(fp);
        server.audit("consent-lookup", ctx, VeilServer.principal(ctx), Map.of("subject", fp));
        VeilServer.json(ctx, 200, Map.of("subject", fp, "opted_out", out));
    }

    /** {@code {subjects: [...], opt_out: true|false}}. */
    void consentChange(Context ctx, JsonNode req) throws Exception {
        List<String> subjects = strings(req.path("subjects"));
        if (subjects.isEmpty() || !req.path("opt_out").isBoolean()) {
            VeilServer.error(ctx, 400, "send {\"subjects\": [\"ID\", ...], \"opt_out\": true|false}");
            return;
        }
        List<String> fps = subjectFingerprints(ctx, subjects);
        if (fps == null) {
            return;
        }
        Identity me = signer(ctx);
        if (me == null) {
            return;
        }
        if (!store.trust().holds(me, "operator")) {
            VeilServer.error(ctx, 403, me.name() + " is not trusted as operator; instances would ignore the change");
            return;
        }
        boolean optOut = req.get("opt_out").asBoolean();
        for (String fp : fps) {
            publish(ctx, me, ConsentChange.sign(fp, optOut, me, Instant.now()));
        }
        VeilServer.json(ctx, 200, Map.of("subjects", fps, "opted_out", optOut));
    }

    /**
     * {@code ?type=&who=&since=&until=&contains=&limit=}: matching audit entries, newest first. {@code who} matches
     * the principal, actor, requester or approver; {@code since} and {@code until} compare ISO timestamps.
     */
    void auditQuery(Context ctx) throws IOException {
        if (auditFile == null || !Files.exists(auditFile)) {
            VeilServer.error(ctx, 404, "this server keeps no audit file");
            return;
        }
        String type = ctx.queryParam("type");
        String who = ctx.queryParam("who");
        String since = ctx.queryParam("since");
        String until = ctx.queryParam("until");
        String contains = ctx.queryParam("contains");
        int limit = 100;
        try {
            if (ctx.queryParam("limit") != null) {
                limit = Math.max(1, Math.min(AUDIT_QUERY_MAX, Integer.parseInt(ctx.queryParam("limit"))));
            }
        } catch (NumberFormatException e) {
            VeilServer.error(ctx, 400, "limit is a number up to " + AUDIT_QUERY_MAX);
            return;
        }
        ArrayDeque<JsonNode> hits = new ArrayDeque<>();
        long scanned = 0;
        try (BufferedReader r = Files.newBufferedReader(auditFile, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                scanned++;
                if (contains != null && !line.contains(contains)) {
                    continue;
                }
                JsonNode e;
                try {
                    e = JSON.readTree(line);
                } catch (IOException bad) {
                    continue; // verification reports broken lines; a query shows what parses
                }
                String ts = e.path("ts").asText("");
                if ((type != null && !type.equals(e.path("type").asText()))
                        || (since != null && ts.compareTo(since) < 0) || (until != null && ts.compareTo(until) > 0)
                        || (who != null && WHO.stream().noneMatch(f -> who.equals(e.path(f).asText(null))))) {
                    continue;
                }
                hits.addFirst(e);
                if (hits.size() > limit) {
                    hits.removeLast();
                }
            }
        }
        server.audit("audit-queried", ctx, VeilServer.principal(ctx), Map.of("matched", hits.size()));
        VeilServer.json(ctx, 200, Map.of("entries", new ArrayList<>(hits), "scanned", scanned));
    }

    /**
     * Whether {@code p} may see raw records of {@code stream}: it requested a grant for that stream that is approved
     * and active now.
     */
    boolean holdsActiveGrant(Principal p, String stream) throws Exception {
        long now = System.currentTimeMillis();
        for (Governance.Status s : governance().statuses()) {
            Grant g = s.grant();
            if (s.state() == Governance.State.APPROVED && g.activeAt(now) && g.requester().equals(p.name())
                    && g.stream().equals(stream)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.bodyAsBytes());
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // answered below
        }
        VeilServer.error(ctx, 400, "expected a JSON object");
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static List<String> strings(JsonNode n) {
        List<String> l = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (e.isTextual() && !e.asText().isBlank()) {
                    l.add(e.asText());
                }
            }
        }
        return l;
    }
}
