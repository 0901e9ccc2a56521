package dev.veil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.core.audit.AuditLog;
import dev.veil.core.audit.AuditVerifier;
import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.detect.Finding;
import dev.veil.core.detect.FindingsJson;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyException;
import dev.veil.core.policy.PolicyLoader;
import dev.veil.core.policy.PolicyProblem;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code veil serve}: the HTTP API over the engine. Services mask and detect ({@code /v1/mask},
 * {@code /v1/detect}); people read and change the policy and verify the audit log. Every request but
 * {@code /healthz} and the OpenAPI document carries a bearer token; every route names the roles it admits;
 * every admin action and every refusal is audited. Binds loopback by default and refuses any other address
 * without TLS and tokens. Nothing here logs, audits or returns a record's value unmasked.
 */
public final class VeilServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VeilServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Role[] READERS = {Role.VIEWER, Role.OPERATOR, Role.POLICY_ADMIN, Role.APPROVER, Role.AUDITOR};

    /** A compiled policy and what serves it: the plan for every segment and one masker per request thread. */
    private static final class Loaded {
        final Policy policy;
        final Plan plan;
        final Instant activated;
        final String by;
        final ThreadLocal<JsonMasker> maskers;

        Loaded(Policy policy, Plan plan, Instant activated, String by) {
            this.policy = policy;
            this.plan = plan;
            this.activated = activated;
            this.by = by;
            this.maskers = ThreadLocal.withInitial(() -> new JsonMasker(plan));
        }
    }

    private final Builder options;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicReference<ApiTokens> tokens = new AtomicReference<>();
    private volatile long tokensCheckedAt;
    private volatile long tokensModified;
    private final List<Map<String, Object>> history = new CopyOnWriteArrayList<>();
    private final RateLimiter perPrincipal;
    private final RateLimiter perAddress;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Javalin app;

    private VeilServer(Builder b) {
        this.options = b;
        this.perPrincipal = new RateLimiter(b.requestsPerSecond);
        // failed authentications are held to a tenth of that per client address: guessing stays slow
        this.perAddress = new RateLimiter(Math.max(1, b.requestsPerSecond / 10.0));
        this.tokens.set(b.tokens);
        this.tokensModified = modified(b.tokensFile);
        this.tokensCheckedAt = System.nanoTime();
    }

    private static long modified(Path f) {
        try {
            return f == null || !Files.exists(f) ? 0 : Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The current token set, re-read when the token file changed. */
    private ApiTokens tokens() {
        Path f = options.tokensFile;
        long now = System.nanoTime();
        if (f != null && now - tokensCheckedAt > 1_000_000_000L) {
            tokensCheckedAt = now;
            long m = modified(f);
            if (m != tokensModified) {
                tokensModified = m;
                try {
                    tokens.set(ApiTokens.load(f));
                    LOG.info("API tokens reloaded from {}", f);
                } catch (IOException e) {
                    tokens.set(ApiTokens.empty());
                    LOG.error("API tokens: {}; no token is accepted until the file is fixed", e.getMessage());
                }
            }
        }
        return tokens.get();
    }

    public static Builder builder(Policy policy, Plan plan) {
        return new Builder(policy, plan);
    }

    /** Options of a server; {@link #start} checks them together. */
    public static final class Builder {
        private final Policy policy;
        private final Plan plan;
        private String host = "127.0.0.1";
        private int port = 8443;
        private Tls tls;
        private ApiTokens tokens = ApiTokens.empty();
        private Path tokensFile;
        private long maxRequestBytes = 8L << 20;
        private double requestsPerSecond = 200;
        private AuditLog audit;
        private Path auditFile;
        private Set<String> auditKeys = Set.of();
        private Path policyDir;

        private Builder(Policy policy, Plan plan) {
            this.policy = policy;
            this.plan = plan;
        }

        /** The address to bind (default 127.0.0.1); anything else needs TLS and tokens. */
        public Builder host(String h) {
            this.host = h;
            return this;
        }

        /** The port (default 8443; 0 picks a free one, see {@link VeilServer#port()}). */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        public Builder tls(Tls t) {
            this.tls = t;
            return this;
        }

        public Builder tokens(ApiTokens t) {
            this.tokens = t;
            return this;
        }

        /**
         * Tokens from a file, read now and again whenever it changes (checked at most once a second), so
         * {@code veil token create} and {@code revoke} take effect without a restart. A file that stops parsing
         * admits no token until it is fixed.
         */
        public Builder tokensFile(Path file) throws IOException {
            this.tokensFile = file;
            this.tokens = ApiTokens.load(file);
            return this;
        }

        /** The largest request body accepted (default 8 MiB); larger ones get 413 unread. */
        public Builder maxRequestBytes(long n) {
            this.maxRequestBytes = n;
            return this;
        }

        /** Requests per second per principal, bursts as large (default 200); beyond it 429. */
        public Builder requestsPerSecond(double n) {
            this.requestsPerSecond = n;
            return this;
        }

        /** Where admin actions and refusals are recorded; also the file {@code /v1/audit/verify} checks. */
        public Builder audit(AuditLog log, Path file, Set<String> trustedKeys) {
            this.audit = log;
            this.auditFile = file;
            this.auditKeys = Set.copyOf(trustedKeys);
            return this;
        }

        /** Where keysets named by policies sent to the API are resolved (default: the working directory). */
        public Builder policyDir(Path dir) {
            this.policyDir = dir;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IllegalStateException when the address is not loopback and TLS or tokens are missing, or the
         *                               port cannot be bound
         */
        public VeilServer start() {
            boolean loopback;
            try {
                loopback = InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot resolve bind address " + host);
            }
            if (!loopback && (tls == null || tokens.isEmpty())) {
                throw new IllegalStateException("refusing to bind " + host + ": a non-loopback address needs TLS"
                        + " (--tls-cert/--tls-key or --tls-keystore) and API tokens (veil token create)");
            }
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("the request limit is at least 1024 bytes");
            }
            VeilServer s = new VeilServer(this);
            s.startServer();
            return s;
        }
    }

    /** The port bound. */
    public int port() {
        return app.port();
    }

    /** The base URL, e.g. {@code https://127.0.0.1:8443}. */
    public String url() {
        String h = options.host.contains(":") ? "[" + options.host + "]" : options.host;
        return (options.tls != null ? "https" : "http") + "://" + h + ":" + port();
    }

    private void startServer() {
        current.set(new Loaded(options.policy, options.plan, Instant.now(), "startup"));
        history.add(historyEntry(current.get()));
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = options.maxRequestBytes;
            config.jetty.host = options.host;
            config.jetty.port = options.port;
            if (options.tls != null) {
                config.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(options.tls.keyStore());
                    ssl.setKeyStorePassword(new String(options.tls.password()));
                    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                    if (options.tls.clientCas() != null) {
                        ssl.setTrustStore(options.tls.clientCas());
                        ssl.setNeedClientAuth(true);
                    }
                    HttpConfiguration https = new HttpConfiguration(http);
                    https.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(https));
                    c.setHost(options.host);
                    c.setPort(options.port);
                    return c;
                });
            }
            config.routes.before(this::headers);
            config.routes.beforeMatched(this::authorize);
            config.routes.exception(Exception.class, (e, ctx) -> {
                // the type only: a message could quote input
                LOG.error("request to {} failed ({})", route(ctx), e.getClass().getName());
                error(ctx, 500, "internal error; nothing was returned for this request");
            });
            config.routes.get("/healthz", ctx -> ctx.result("ok"));
            config.routes.get("/v1/openapi.json", this::openApi);
            config.routes.post("/v1/mask", this::mask, Role.MASKER, Role.OPERATOR);
            config.routes.post("/v1/detect", this::detect, Role.MASKER, Role.OPERATOR, Role.VIEWER);
            config.routes.get("/v1/policy", this::policy, READERS);
            config.routes.get("/v1/policy/history", this::policyHistory, READERS);
            config.routes.post("/v1/policy/validate", this::validate, Role.POLICY_ADMIN);
            config.routes.post("/v1/policy/dry-run", this::dryRun, Role.POLICY_ADMIN);
            config.routes.post("/v1/policy/activate", this::activate, Role.POLICY_ADMIN);
            config.routes.get("/v1/audit/verify", this::auditVerify, Role.AUDITOR);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()),
                    Role.VIEWER, Role.OPERATOR, Role.AUDITOR);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + options.host + ":" + options.port + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private void headers(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (options.tls != null) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
    }

    private void authorize(Context ctx) {
        Set<RouteRole> allowed = ctx.routeRoles();
        if (allowed.isEmpty()) {
            return; // public: health and the API description
        }
        String auth = ctx.header("Authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        Principal p = token == null ? null : tokens().authenticate(token);
        if (p == null) {
            if (!perAddress.tryAcquire(ctx.ip(), System.nanoTime())) {
                halt(ctx, 429, "too many failed attempts; wait and retry");
                return;
            }
            count(ctx, 401);
            audit("api-denied", ctx, null, Map.of("status", 401));
            ctx.header("WWW-Authenticate", "Bearer");
            halt(ctx, 401, token == null ? "send an API token: Authorization: Bearer veil_at_..." : "unknown API token");
            return;
        }
        if (!perPrincipal.tryAcquire(p.name(), System.nanoTime())) {
            ctx.header("Retry-After", "1");
            count(ctx, 429);
            halt(ctx, 429, "rate limit of " + options.requestsPerSecond + " requests per second exceeded");
            return;
        }
        boolean ok = p.roles().stream().anyMatch(allowed::contains);
        if (!ok) {
            count(ctx, 403);
            audit("api-denied", ctx, p, Map.of("status", 403));
            halt(ctx, 403, p.name() + " holds " + roleText(p.roles()) + "; this needs one of " + roleText(allowed));
            return;
        }
        ctx.attribute("principal", p);
    }

    private static String roleText(Set<? extends RouteRole> roles) {
        List<String> l = new ArrayList<>();
        for (RouteRole r : roles) {
            l.add(((Role) r).text());
        }
        Collections.sort(l);
        return String.join(", ", l);
    }

    /** The route pattern matched (never the raw path with its query), or "-" before routing. */
    private static String route(Context ctx) {
        try {
            return ctx.endpoint() != null ? ctx.endpoint().path : "-";
        } catch (RuntimeException e) {
            return "-";
        }
    }

    private static Principal principal(Context ctx) {
        return ctx.attribute("principal");
    }

    private void mask(Context ctx) throws IOException {
        Principal p = principal(ctx);
        Loaded l = current.get();
        String segment = ctx.queryParam("segment");
        int s = segment == null ? -1 : l.plan.segments().indexOf(segment);
        if (s < 0) {
            error(ctx, 400, "name the segment: /v1/mask?segment=NAME, one of " + l.plan.segments());
            return;
        }
        if (!p.maySee(segment)) {
            count(ctx, 403);
            audit("api-denied", ctx, p, Map.of("status", 403, "segment", segment));
            error(ctx, 403, p.name() + " may not receive segment " + segment);
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        JsonMasker masker = l.maskers.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int records = 0;
        int refused = 0;
        int line = 0;
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            int len = end - start;
            if (len > 0 && body[end - 1] == '\r') {
                len--;
            }
            line++;
            if (len > 0) {
                records++;
                try {
                    Views v = masker.mask(body, start, len);
                    if (v.dropped(s)) {
                        out.writeBytes(("{\"veil\":{\"line\":" + line + ",\"dropped\":true}}").getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(v.array(s), v.offset(s), v.length(s));
                    }
                } catch (RecordException e) {
                    // fail closed: the record is replaced by why it was refused, never passed on
                    refused++;
                    StringBuilder sb = new StringBuilder("{\"veil\":{\"line\":").append(line)
                            .append(",\"refused\":\"").append(e.reason().name()).append("\",\"message\":");
                    dev.veil.core.codec.JsonText.quote(e.getMessage(), sb);
                    out.writeBytes(sb.append("}}").toString().getBytes(StandardCharsets.UTF_8));
                }
                out.write('\n');
            }
            start = end + 1;
        }
        registry.counter("veil_api_records", "segment", segment).increment(records);
        if (refused > 0) {
            registry.counter("veil_api_refused_records", "segment", segment).increment(refused);
        }
        ctx.header("X-Veil-Policy", l.policy.shortVersion());
        ctx.header("X-Veil-Refused", Integer.toString(refused));
        count(ctx, 200);
        ctx.contentType("application/x-ndjson").result(out.toByteArray());
    }

    private void detect(Context ctx) {
        Loaded l = current.get();
        String body = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(body.length() / 4 + 32);
        // one object per input line, blank ones included, so answers line up with what was sent
        for (String line : (Iterable<String>) body.lines()::iterator) {
            sb.append("{\"findings\":[");
            int n = 0;
            for (Finding f : l.plan.detectors().scan(line)) {
                if (n++ > 0) {
                    sb.append(',');
                }
                FindingsJson.append(sb, null, f);
            }
            sb.append("]}\n");
        }
        count(ctx, 200);
        ctx.contentType("application/x-ndjson").result(sb.toString());
    }

    private void policy(Context ctx) throws IOException {
        Loaded l = current.get();
        Map<String, Object> m = historyEntry(l);
        m.put("segments", l.plan.segments());
        json(ctx, 200, m);
    }

    private void policyHistory(Context ctx) throws IOException {
        json(ctx, 200, Map.of("history", history));
    }

    private Map<String, Object> historyEntry(Loaded l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.policy.name());
        m.put("version", l.policy.shortVersion());
        m.put("activated", l.activated.toString());
        m.put("by", l.by);
        return m;
    }

    /** Parses and compiles policy text from a request: a compiled plan, or the problems with line and key. */
    private Object compile(byte[] yaml) {
        String text = new String(yaml, StandardCharsets.UTF_8);
        Path base = options.policyDir != null ? options.policyDir : Path.of(".");
        try {
            Policy p = PolicyLoader.parse(text, "request", base);
            return Plan.compile(p, List.copyOf(p.segments().keySet()), KeyRing.of(p.keys()), Limits.DEFAULT);
        } catch (PolicyException e) {
            return problems(e.problems());
        } catch (PlanException e) {
            return List.of(Map.of("message", e.getMessage()));
        }
    }

    private static List<Map<String, Object>> problems(List<PolicyProblem> ps) {
        List<Map<String, Object>> l = new ArrayList<>();
        for (PolicyProblem p : ps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", p.location().line());
            m.put("column", p.location().column());
            m.put("key", p.location().key());
            m.put("message", p.message());
            l.add(m);
        }
        return l;
    }

    private void validate(Context ctx) throws IOException {
        Object r = compile(ctx.bodyAsBytes());
        Map<String, Object> m = new LinkedHashMap<>();
        if (r instanceof Plan plan) {
            m.put("valid", true);
            m.put("name", plan.policy().name());
            m.put("version", plan.policy().shortVersion());
        } else {
            m.put("valid", false);
            m.put("problems", r);
        }
        audit("policy-validated", ctx, principal(ctx), Map.of("valid", r instanceof Plan));
        json(ctx, r instanceof Plan ? 200 : 422, m);
    }

    /**
     * {@code {"policy": "YAML", "records": [...]}}: each record as every segment sees it under the candidate and
     * under the active policy, and which segments' views differ. The raw records are not echoed back.
     */
    private void dryRun(Context ctx) throws IOException {
        JsonNode req;
        try {
            req = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            error(ctx, 400, "expected {\"policy\": \"YAML text\", \"records\": [ {...}, ... ]}");
            return;
        }
        if (req == null || !req.path("policy").isTextual() || !req.path("records").isArray()) {
            error(ctx, 400, "expected {\"policy\": \"YAML text\", \"records\": [ {...}, ... ]}");
            return;
        }
        Object r = compile(req.get("policy").asText().getBytes(StandardCharsets.UTF_8));
        if (!(r instanceof Plan candidate)) {
            json(ctx, 422, Map.of("valid", false, "problems", r));
            return;
        }
        Plan active = current.get().plan;
        JsonMasker a = new JsonMasker(active);
        JsonMasker c = new JsonMasker(candidate);
        List<Map<String, Object>> out = new ArrayList<>();
        int changed = 0;
        for (JsonNode rec : req.get("records")) {
            byte[] b = JSON.writeValueAsBytes(rec);
            Map<String, Object> one = new LinkedHashMap<>();
            Map<String, Object> cand = views(c, b);
            Map<String, Object> act = views(a, b);
            one.put("candidate", cand);
            one.put("active", act);
            List<String> differ = new ArrayList<>();
            for (String seg : cand.keySet()) {
                if (!String.valueOf(cand.get(seg)).equals(String.valueOf(act.get(seg)))) {
                    differ.add(seg);
                }
            }
            changed += differ.isEmpty() ? 0 : 1;
            one.put("differs_in", differ);
            out.add(one);
        }
        audit("policy-dry-run", ctx, principal(ctx), Map.of("records", out.size(), "changed", changed,
                "candidate", candidate.policy().shortVersion()));
        json(ctx, 200, Map.of("candidate", candidate.policy().shortVersion(), "active", active.policy().shortVersion(),
                "records", out));
    }

    private static Map<String, Object> views(JsonMasker m, byte[] b) throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        try {
            Views views = m.mask(b, 0, b.length);
            List<String> segs = m.plan().segments();
            for (int s = 0; s < segs.size(); s++) {
                v.put(segs.get(s), views.dropped(s) ? null
                        : JSON.readTree(views.array(s), views.offset(s), views.length(s)));
            }
        } catch (RecordException e) {
            v.put("refused", e.reason().name() + ": " + e.getMessage());
        }
        return v;
    }

    private void activate(Context ctx) throws IOException {
        Object r = compile(ctx.bodyAsBytes());
        if (!(r instanceof Plan plan)) {
            audit("policy-rejected", ctx, principal(ctx), Map.of());
            json(ctx, 422, Map.of("valid", false, "problems", r));
            return;
        }
        Loaded l = new Loaded(plan.policy(), plan, Instant.now(), principal(ctx).name());
        Loaded before = current.getAndSet(l);
        history.add(historyEntry(l));
        audit("policy-activated", ctx, principal(ctx), Map.of("version", plan.policy().shortVersion(),
                "previous", before.policy.shortVersion()));
        json(ctx, 200, historyEntry(l));
    }

    private void auditVerify(Context ctx) throws IOException {
        if (options.auditFile == null) {
            error(ctx, 404, "this server keeps no audit file");
            return;
        }
        byte[] file;
        try (InputStream in = Files.newInputStream(options.auditFile)) {
            file = in.readAllBytes();
        }
        AuditVerifier.Report rep = new AuditVerifier(options.auditKeys, true).verify(file);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intact", rep.intact());
        m.put("entries", rep.entries());
        m.put("checkpoints", rep.checkpoints());
        if (!rep.intact()) {
            m.put("line", rep.line());
            m.put("problem", rep.problem());
        }
        audit("audit-verified", ctx, principal(ctx), Map.of("intact", rep.intact()));
        json(ctx, 200, m);
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = VeilServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json missing from the jar");
            }
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    private void audit(String type, Context ctx, Principal p, Map<String, ?> extra) {
        if (options.audit == null) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("principal", p == null ? "-" : p.name());
        f.put("method", ctx.req().getMethod());
        f.put("route", route(ctx));
        f.put("client", ctx.ip());
        f.putAll(extra);
        try {
            options.audit.append(type, f);
        } catch (IOException e) {
            throw new UncheckedIOException("audit log not writable", e);
        }
    }

    private void count(Context ctx, int status) {
        Counter.builder("veil_api_requests").tag("route", route(ctx))
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    private static void json(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    private static void error(Context ctx, int status, String message) {
        try {
            json(ctx, status, Map.of("error", message));
        } catch (IOException e) {
            ctx.status(status).result(message);
        }
    }

    /** Answers the request from a before-handler: the endpoint does not run. */
    private static void halt(Context ctx, int status, String message) {
        error(ctx, status, message);
        ctx.skipRemainingHandlers();
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
