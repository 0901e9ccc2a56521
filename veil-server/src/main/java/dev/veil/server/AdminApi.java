package dev.veil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.governance.Grant;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import io.javalin.http.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
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
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int AUDIT_QUERY_MAX = 1000;

    private final GovernanceStore store;
    private final Supplier<Policy> policy;
    private final Path auditFile;
    private final VeilServer server;
    /** Grants and consent as last evaluated, for /v1/mask; re-read when stale or after a change made here. */
    private volatile Governance cached;
    private volatile Policy cachedFor;
    private volatile long cachedAt;
    private final Object refresh = new Object();
    static final long GOVERNANCE_TTL_MS = 1000;

    AdminApi(VeilServer server, GovernanceStore store, Supplier<Policy> policy, Path auditFile) {
        this.server = server;
        this.store = store;
        this.policy = policy;
        this.auditFile = auditFile;
    }

    private KeyedHash fingerprints(Policy p) throws Exception {
        return p.consent() == null ? null : KeyRing.of(p.keys()).keyedHash(p.consent().key());
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
        Governance g = cached;
        if (g != null && cachedFor == p && System.currentTimeMillis() - cachedAt < GOVERNANCE_TTL_MS) {
            return g;
        }
        synchronized (refresh) {
            if (cached != null && cachedFor == p && System.currentTimeMillis() - cachedAt < GOVERNANCE_TTL_MS) {
                return cached;
            }
            try {
                Governance fresh = evaluate(store.ledger());
                cached = fresh;
                cachedFor = p;
                cachedAt = System.currentTimeMillis();
                return fresh;
            } catch (Exception e) {
                if (cached != null && cachedFor == p && System.currentTimeMillis() - cachedAt < 60_000) {
                    return cached; // a short outage: the answer of under a minute ago still stands
                }
                throw e;
            }
        }
    }

    private void changed() {
        cachedAt = 0;
    }

    /** Whether the store is there at all; answers 404 when it is not. */
    private boolean available(Context ctx) {
        if (store == null) {
            VeilServer.error(ctx, 404, "this server has no grant store (start it with veil serve, which uses HOME's)");
            return false;
        }
        return true;
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
        if (!available(ctx)) {
            return;
        }
        Governance g = evaluate(store.ledger());
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
    void requestGrant(Context ctx) throws Exception {
        if (!available(ctx)) {
            return;
        }
        JsonNode req = body(ctx);
        if (req == null) {
            return;
        }
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
        List<String> fps = new ArrayList<>();
        List<String> subjects = strings(req.path("subjects"));
        if (!subjects.isEmpty()) {
            KeyedHash fh = fingerprints(p);
            if (fh == null) {
                VeilServer.error(ctx, 400, "subjects need the policy's consent.subject path (to find subjects in records)");
                return;
            }
            for (String s : subjects) {
                fps.add(Governance.fingerprint(fh, s));
            }
        }
        Identity me = signer(ctx);
        if (me == null) {
            return;
        }
        byte[] rnd = new byte[6];
        RANDOM.nextBytes(rnd);
        Grant g = new Grant("g-" + HexFormat.of().formatHex(rnd), p.name(), stream, segment, strings(req.path("classes")),
                strings(req.path("fields")), fps, text(req, "key_pattern"), me.name(), reason, ticket, from, d,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        GrantRecord r = GrantRecord.request(g, me);
        Governance.Status st = statusOf(r);
        if (st.state() == Governance.State.INVALID) {
            server.audit("grant-refused", ctx, VeilServer.principal(ctx), Map.of("problem", st.problem()));
            VeilServer.error(ctx, 422, st.problem());
            return;
        }
        store.publish(r, me.name());
        changed();
        server.audit(r.auditType(), ctx, VeilServer.principal(ctx), r.auditFields());
        VeilServer.json(ctx, 201, describe(st, System.currentTimeMillis()));
    }

    private Governance.Status statusOf(GrantRecord r) throws Exception {
        GovernanceLedger l = new GovernanceLedger();
        l.add(r);
        return evaluate(l).statuses().get(0);
    }

    void approveGrant(Context ctx) throws Exception {
        if (!available(ctx)) {
            return;
        }
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
        store.publish(approved, me.name());
        changed();
        server.audit(approved.auditType(), ctx, VeilServer.principal(ctx), approved.auditFields());
        VeilServer.json(ctx, 200, describe(st, System.currentTimeMillis()));
    }

    /** {@code {reason}}. */
    void revokeGrant(Context ctx) throws Exception {
        if (!available(ctx)) {
            return;
        }
        JsonNode req = body(ctx);
        if (req == null) {
            return;
        }
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
        TrustStore trust = store.trust();
        if (!trust.holds(me, "operator", "approver")) {
            VeilServer.error(ctx, 403, me.name() + " is not trusted as operator or approver; instances would ignore it");
            return;
        }
        Revocation r = Revocation.sign(id, me, Instant.now(), reason);
        store.publish(r, me.name());
        changed();
        server.audit(r.auditType(), ctx, VeilServer.principal(ctx), r.auditFields());
        VeilServer.json(ctx, 200, Map.of("id", id, "state", "revoked", "by", me.name()));
    }

    /** {@code {subject}}: whether that data subject has opted out. The id is fingerprinted, never echoed. */
    void consentLookup(Context ctx) throws Exception {
        if (!available(ctx)) {
            return;
        }
        JsonNode req = body(ctx);
        if (req == null) {
            return;
        }
        Policy p = policy.get();
        KeyedHash fh = fingerprints(p);
        String subject = text(req, "subject");
        if (fh == null || subject == null) {
            VeilServer.error(ctx, fh == null ? 409 : 400, fh == null ? "policy " + p.name() + " has no consent: section"
                    : "send {\"subject\": \"ID\"}");
            return;
        }
        String fp = Governance.fingerprint(fh, subject);
        boolean out = evaluate(store.ledger()).optedOut(fp);
        server.audit("consent-lookup", ctx, VeilServer.principal(ctx), Map.of("subject", fp));
        VeilServer.json(ctx, 200, Map.of("subject", fp, "opted_out", out));
    }

    /** {@code {subjects: [...], opt_out: true|false}}. */
    void consentChange(Context ctx) throws Exception {
        if (!available(ctx)) {
            return;
        }
        JsonNode req = body(ctx);
        if (req == null) {
            return;
        }
        Policy p = policy.get();
        KeyedHash fh = fingerprints(p);
        List<String> subjects = strings(req.path("subjects"));
        if (fh == null || subjects.isEmpty() || !req.path("opt_out").isBoolean()) {
            VeilServer.error(ctx, fh == null ? 409 : 400, fh == null ? "policy " + p.name() + " has no consent: section"
                    : "send {\"subjects\": [\"ID\", ...], \"opt_out\": true|false}");
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
        List<String> fps = new ArrayList<>();
        for (String s : subjects) {
            ConsentChange c = ConsentChange.sign(Governance.fingerprint(fh, s), optOut, me, Instant.now());
            store.publish(c, me.name());
            changed();
            server.audit(c.auditType(), ctx, VeilServer.principal(ctx), c.auditFields());
            fps.add(c.subject());
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
                        || (who != null && !who.equals(e.path("principal").asText(null))
                        && !who.equals(e.path("actor").asText(null)) && !who.equals(e.path("requester").asText(null))
                        && !who.equals(e.path("approver").asText(null)))) {
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
        if (store == null) {
            return false;
        }
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
