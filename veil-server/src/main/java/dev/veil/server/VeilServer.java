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
import java.time.Duration;
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
    private static final java.util.regex.Pattern STREAM_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_SAMPLE_BYTES = 64 * 1024;
    private static final int MAX_SAMPLED_STREAMS = 64;
    private static final int MAX_STREAMS = 256;

    /** A compiled policy and what serves it: the plan for every segment and one masker per request thread. */
    private static final class Loaded {
        final Policy policy;
        final Plan plan;
        final Instant activated;
        final String by;
        /**
         * Per request thread, one governed masker per stream and segment (grants are scoped to streams; a request
         * receives one segment, so only that segment's view is made and only its leaks refuse a record).
         */
        final ThreadLocal<Map<String, dev.veil.core.governance.GovernedMasker>> maskers;
        /** The plan of each single segment, compiled on first use. */
        private final Map<String, Plan> bySegment = new java.util.concurrent.ConcurrentHashMap<>();
        /** The YAML it was read from, for the policy editor and diffs; null when not known. */
        final String text;

        Loaded(Plan plan, Instant activated, String by, String text) {
            this.policy = plan.policy();
            this.text = text;
            this.plan = plan;
            this.activated = activated;
            this.by = by;
            this.maskers = ThreadLocal.withInitial(java.util.HashMap::new);
        }

        /** This policy compiled for {@code segment} alone (it compiled for every segment, so this cannot fail). */
        Plan plan(String segment) {
            return bySegment.computeIfAbsent(segment, seg -> {
                try {
                    return Plan.compile(policy, List.of(seg), KeyRing.of(policy.keys()), plan.limits());
                } catch (PlanException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
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
    private final AlertFeed alerts;
    /** The server's own alerts (refused records, failed sign-ins, activations), deduplicated and rate-limited. */
    private final dev.veil.core.alert.Alerter alerter;
    private final AdminApi admin;
    /** The last record sent to /v1/mask per stream, for the console's record viewer; bounded in size and count. */
    private final Map<String, byte[]> samples = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When each stream's sample was last taken from the service (nanoTime), to sample at most once a second. */
    private final Map<String, Long> sampledAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** The service's verdicts on recent activations, by control offset: null accepted, else why it was refused. */
    private final Map<Long, java.util.Optional<String>> verdicts = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, java.util.Optional<String>> e) {
            return size() > 64;
        }
    };
    private Javalin app;

    private VeilServer(Builder b) {
        this.options = b;
        this.perPrincipal = new RateLimiter(b.requestsPerSecond);
        // failed authentications are held to a tenth of that per client address: guessing stays slow
        this.perAddress = new RateLimiter(Math.max(1, b.requestsPerSecond / 10.0));
        this.tokens.set(b.tokens);
        this.tokensModified = modified(b.tokensFile);
        this.tokensCheckedAt = System.nanoTime();
        this.alerts = b.alerts != null ? b.alerts : new AlertFeed(200);
        this.alerter = dev.veil.core.alert.Alerter.builder("veil-serve").sink(alerts).build();
        this.admin = new AdminApi(this, b.governance, () -> current.get().policy, b.auditFile);
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

    /** A server for {@code plan}, compiled for every segment of its policy. */
    public static Builder builder(Plan plan) {
        return new Builder(plan);
    }

    /** Options of a server; {@link #start} checks them together. */
    public static final class Builder {
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
        private String policyText;
        private Oidc oidc;
        private GovernanceStore governance;
        private AlertFeed alerts;
        private final List<io.micrometer.core.instrument.MeterRegistry> meters = new ArrayList<>();
        private boolean samples = true;
        private PolicyPublisher publisher;
        private boolean followsService;
        private Duration verdictTimeout = Duration.ofSeconds(30);

        private Builder(Plan plan) {
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

        /** The active policy's YAML, shown by the console's editor and used for diffs. */
        public Builder policyText(String yaml) {
            this.policyText = yaml;
            return this;
        }

        /** Also accepts bearer JWTs from this OpenID Connect provider. */
        public Builder oidc(Oidc o) {
            this.oidc = o;
            return this;
        }

        /** Where grants and consent changes are read and stored; without it those routes answer 404. */
        public Builder governance(GovernanceStore g) {
            this.governance = g;
            return this;
        }

        /** The alert feed shown live in the console; give the same one to the service's alerter. */
        public Builder alerts(AlertFeed feed) {
            this.alerts = feed;
            return this;
        }

        /** A registry whose {@code veil.records.out} counters (the Kafka service's) feed the throughput view. */
        public Builder meters(io.micrometer.core.instrument.MeterRegistry r) {
            this.meters.add(r);
            return this;
        }

        /**
         * Whether the last record per stream sent to {@code /v1/mask} is kept in memory for the record viewer
         * (default true). It is shown masked, and raw only to a principal holding an active grant for the stream.
         */
        public Builder samples(boolean keep) {
            this.samples = keep;
            return this;
        }

        /**
         * Where activations made through the API are published for the service instances (the control topic).
         * Unless the server {@link #followsService follows the service}, it also runs the policy itself at once.
         */
        public Builder policyPublisher(PolicyPublisher p) {
            this.publisher = p;
            return this;
        }

        /**
         * The server runs beside a service and runs what the service runs: its policy changes only through
         * {@link #serviceActivation}, and an activation through the API is answered with the service's verdict
         * (accepted, or refused and why) once the service has read it from the control topic.
         */
        public Builder followsService(boolean on) {
            this.followsService = on;
            return this;
        }

        /** How long an activation waits for the service's verdict before answering 202 (default 30 s). */
        public Builder verdictTimeout(Duration d) {
            this.verdictTimeout = d;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws RefusedAddress        when the address is not loopback and TLS or authentication is missing
         * @throws IllegalStateException when the port cannot be bound
         */
        public VeilServer start() {
            boolean loopback;
            try {
                loopback = InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot resolve bind address " + host);
            }
            if (!loopback && (tls == null || (tokens.isEmpty() && tokensFile == null && oidc == null))) {
                throw new RefusedAddress("refusing to bind " + host + ": a non-loopback address needs TLS"
                        + " (--tls-cert/--tls-key or --tls-keystore) and authentication (veil token create, or --oidc-issuer)");
            }
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("the request limit is at least 1024 bytes");
            }
            if (followsService && publisher == null) {
                throw new IllegalArgumentException("a server that follows a service needs the publisher of its control topic");
            }
            VeilServer s = new VeilServer(this);
            s.startServer();
            return s;
        }
    }

    /** A non-loopback address without TLS or authentication: a configuration to fix, not a failure to retry. */
    public static final class RefusedAddress extends IllegalStateException {
        RefusedAddress(String message) {
            super(message);
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
        current.set(new Loaded(options.plan, Instant.now(), "startup", options.policyText));
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
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/console";
                sf.directory = "/dev/veil/server/console";
                sf.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            config.routes.get("/", ctx -> ctx.redirect("/console/"));
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
            config.routes.get("/v1/audit", admin::auditQuery, Role.AUDITOR);
            config.routes.get("/v1/policy/text", this::policyText, READERS);
            config.routes.post("/v1/policy/diff", this::policyDiff, Role.POLICY_ADMIN);
            config.routes.get("/v1/grants", admin.route(admin::listGrants), READERS);
            config.routes.post("/v1/grants", admin.withBody(admin::requestGrant), Role.OPERATOR);
            config.routes.post("/v1/grants/{id}/approve", admin.route(admin::approveGrant), Role.APPROVER);
            config.routes.post("/v1/grants/{id}/revoke", admin.withBody(admin::revokeGrant), Role.OPERATOR, Role.APPROVER);
            config.routes.post("/v1/consent/lookup", admin.withBody(admin::consentLookup), Role.OPERATOR, Role.AUDITOR);
            config.routes.post("/v1/consent", admin.withBody(admin::consentChange), Role.OPERATOR);
            config.routes.get("/v1/alerts", ctx -> ctx.contentType("application/json")
                    .result("{\"alerts\":[" + String.join(",", alerts.recent()) + "]}"), READERS);
            config.routes.get("/v1/alerts/stream", new io.javalin.http.sse.SseHandler(alerts::attach), READERS);
            config.routes.get("/v1/throughput", this::throughput, READERS);
            config.routes.get("/v1/samples", this::samples, Role.OPERATOR, Role.POLICY_ADMIN);
            config.routes.get("/v1/whoami", ctx -> {
                Principal p = principal(ctx);
                List<String> roles = new ArrayList<>();
                p.roles().forEach(r -> roles.add(r.text()));
                Collections.sort(roles);
                json(ctx, 200, Map.of("name", p.name(), "roles", roles, "via", p.via()));
            }, Role.values());
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
        Principal p = null;
        String rejected = null;
        if (token != null && options.oidc != null && Oidc.looksLikeJwt(token)) {
            try {
                p = options.oidc.authenticate(token);
            } catch (Oidc.Rejected e) {
                rejected = e.getMessage();
            }
        } else if (token != null) {
            p = tokens().authenticate(token);
        } else if (options.tls != null && options.tls.clientCertificatesRequired()) {
            // mutual TLS: Jetty has verified the chain to the client CA; the exact certificate names the principal
            Object chain = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
            if (chain instanceof java.security.cert.X509Certificate[] certs && certs.length > 0) {
                p = tokens().authenticate(certs[0]);
            }
        }
        if (p == null) {
            if (!perAddress.tryAcquire(ctx.ip(), System.nanoTime())) {
                halt(ctx, 429, "too many failed attempts; wait and retry");
                return;
            }
            count(ctx, 401);
            alerter.raise("api-auth-failed", dev.veil.core.alert.Alert.Severity.WARNING, ctx.ip(),
                    "a request to " + route(ctx) + " was refused: " + (rejected != null ? rejected : "no valid token"),
                    Map.of("client", ctx.ip(), "route", route(ctx)));
            audit("api-denied", ctx, null, rejected == null ? Map.of("status", 401) : Map.of("status", 401, "why", rejected));
            ctx.header("WWW-Authenticate", "Bearer");
            halt(ctx, 401, token == null ? "send an API token (Authorization: Bearer veil_at_...) or a client certificate"
                    + " bound to a principal (veil token create NAME --certificate PEM)"
                    : rejected != null ? rejected : "unknown API token");
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

    static Principal principal(Context ctx) {
        return ctx.attribute("principal");
    }

    private void mask(Context ctx) throws IOException {
        Principal p = principal(ctx);
        Loaded l = current.get();
        String segment = ctx.queryParam("segment");
        if (segment == null || !l.plan.segments().contains(segment)) {
            error(ctx, 400, "name the segment: /v1/mask?segment=NAME, one of " + l.plan.segments());
            return;
        }
        if (!p.maySee(segment)) {
            count(ctx, 403);
            audit("api-denied", ctx, p, Map.of("status", 403, "segment", segment));
            error(ctx, 403, p.name() + " may not receive segment " + segment);
            return;
        }
        String stream = ctx.queryParam("stream") == null ? "api" : ctx.queryParam("stream");
        if (!STREAM_NAME.matcher(stream).matches()) {
            error(ctx, 400, "a stream name is 1-64 letters, digits, '.', '_' or '-'");
            return;
        }
        if (!streams.contains(stream) && streams.size() >= MAX_STREAMS) {
            // each stream is a metric series: a bound keeps a client from growing them without end
            error(ctx, 400, "this server already counts " + MAX_STREAMS + " streams; reuse one of them");
            return;
        }
        dev.veil.core.governance.Governance gov;
        try {
            gov = admin.governance();
        } catch (Exception e) {
            // opt-outs cannot be known: masking now could hand out a suppressed subject's record
            LOG.error("grant store unreadable ({}); /v1/mask refuses until it is back", e.getClass().getName());
            error(ctx, 503, "the grant and consent store cannot be read; nothing was masked, retry later");
            return;
        }
        streams.add(stream);
        byte[] body = ctx.bodyAsBytes();
        dev.veil.core.governance.GovernedMasker masker = l.maskers.get()
                .computeIfAbsent(stream + "\n" + segment, k -> new dev.veil.core.governance.GovernedMasker(l.plan(segment), stream));
        long now = System.currentTimeMillis();
        int suppressed = 0;
        Map<String, Long> grantUses = new LinkedHashMap<>();
        int lastStart = -1;
        int lastLen = 0;
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
                    Views v = masker.mask(body, start, len, null, gov, now);
                    suppressed += masker.suppressed() ? 1 : 0;
                    for (dev.veil.core.governance.GovernedMasker.Use u : masker.uses()) {
                        grantUses.merge(u.grantId(), 1L, Long::sum);
                    }
                    lastStart = start;
                    lastLen = len;
                    if (v.dropped(0)) {
                        out.writeBytes(("{\"veil\":{\"line\":" + line + ",\"dropped\":true}}").getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(v.array(0), v.offset(0), v.length(0));
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
        registry.counter("veil.records.out", "stream", stream, "segment", segment).increment(records - refused);
        if (refused > 0) {
            alerter.raise("records-refused", dev.veil.core.alert.Alert.Severity.WARNING, stream + "/" + segment,
                    refused + " record(s) sent to /v1/mask for stream " + stream + " were refused and not returned",
                    Map.of("stream", stream, "segment", segment, "refused", refused, "principal", p.name()));
            registry.counter("veil.records.quarantined", "stream", stream, "segment", segment).increment(refused);
        }
        for (Map.Entry<String, Long> u : grantUses.entrySet()) {
            // a grant lifted masking in what this principal received: on the record, as the service does
            audit("grant-used", ctx, p, Map.of("grant", u.getKey(), "stream", stream, "segment", segment,
                    "records", u.getValue()));
        }
        if (suppressed > 0) {
            registry.counter("veil.records.suppressed", "stream", stream).increment(suppressed);
        }
        if (lastStart >= 0) {
            keepSample(stream, body, lastStart, lastLen);
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
    private Object compile(String text) {
        Path base = options.policyDir != null ? options.policyDir : Path.of(".");
        try {
            Policy p = PolicyLoader.parse(text, "request", base);
            return Plan.compile(p, List.of(), KeyRing.of(p.keys()), Limits.DEFAULT); // every segment
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
        Object r = compile(ctx.body());
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
        if (req == null || !req.path("policy").isTextual() || (req.has("records") && !req.path("records").isArray())) {
            error(ctx, 400, "expected {\"policy\": \"YAML text\", \"records\": [ {...}, ... ]}");
            return;
        }
        Object r = compile(req.get("policy").asText());
        if (!(r instanceof Plan candidate)) {
            json(ctx, 422, Map.of("valid", false, "problems", r));
            return;
        }
        Plan active = current.get().plan;
        JsonMasker a = new JsonMasker(active);
        JsonMasker c = new JsonMasker(candidate);
        List<Map<String, Object>> out = new ArrayList<>();
        int changed = 0;
        List<byte[]> records = new ArrayList<>();
        if (req.has("records")) {
            for (JsonNode rec : req.get("records")) {
                records.add(JSON.writeValueAsBytes(rec));
            }
        } else {
            // no records sent: the samples this server holds, so the editor can dry-run against live traffic
            records.addAll(new java.util.TreeMap<>(samples).values());
        }
        for (byte[] b : records) {
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
        String text = ctx.body();
        Object r = compile(text);
        if (!(r instanceof Plan plan)) {
            audit("policy-rejected", ctx, principal(ctx), Map.of());
            json(ctx, 422, Map.of("valid", false, "problems", r));
            return;
        }
        Principal who = principal(ctx);
        Loaded running = current.get();
        if (plan.policy().version().equals(running.policy.version())) {
            Map<String, Object> m = historyEntry(running);
            m.put("unchanged", true);
            json(ctx, 200, m);
            return;
        }
        String version = plan.policy().shortVersion();
        Map<String, Object> published = new LinkedHashMap<>();
        if (options.publisher != null) {
            long offset;
            try {
                offset = options.publisher.publish(text, who.name());
            } catch (Exception e) {
                // the message names the topic and cluster, never the policy's content
                LOG.warn("publishing policy {} failed ({})", version, e.getClass().getName());
                audit("policy-publish-failed", ctx, who, Map.of("version", version));
                error(ctx, 503, "the policy was not activated: publishing to " + options.publisher.describe()
                        + " failed (" + e.getMessage() + ")");
                return;
            }
            published.put("published", options.publisher.describe());
            published.put("offset", offset);
            if (options.followsService) {
                java.util.Optional<String> verdict = awaitVerdict(offset);
                Map<String, Object> audited = activation(published, version, running);
                if (verdict == null) {
                    audited.put("confirmed", false);
                    audit("policy-published", ctx, who, audited);
                    published.put("version", version);
                    published.put("message", "published; the service has not confirmed it within "
                            + options.verdictTimeout.toSeconds() + " s: watch the alerts and /v1/policy");
                    json(ctx, 202, published);
                } else if (verdict.isPresent()) {
                    audited.put("refusal", verdict.get());
                    audit("policy-refused", ctx, who, audited);
                    published.put("error", verdict.get());
                    json(ctx, 409, published);
                } else {
                    audit("policy-activated", ctx, who, audited);
                    Map<String, Object> m = historyEntry(current.get());
                    m.putAll(published);
                    json(ctx, 200, m);
                }
                return;
            }
        }
        Loaded l = new Loaded(plan, Instant.now(), who.name(), text);
        Loaded before = current.getAndSet(l);
        history.add(historyEntry(l));
        alerter.raise("policy-activated", dev.veil.core.alert.Alert.Severity.INFO, version,
                "policy " + plan.policy().name() + "@" + version + " activated by " + who.name(),
                Map.of("version", version, "previous", before.policy.shortVersion()));
        audit("policy-activated", ctx, who, activation(published, version, before));
        Map<String, Object> m = historyEntry(l);
        m.putAll(published);
        json(ctx, 200, m);
    }

    /** What an activation's audit entry records: where it was published, the version, the one it replaced. */
    private static Map<String, Object> activation(Map<String, Object> published, String version, Loaded previous) {
        Map<String, Object> m = new LinkedHashMap<>(published);
        m.put("version", version);
        m.put("previous", previous.policy.shortVersion());
        return m;
    }

    /** The service's verdict on the activation at {@code offset}: empty accepted, else the refusal; null timed out. */
    private java.util.Optional<String> awaitVerdict(long offset) {
        long deadline = System.nanoTime() + options.verdictTimeout.toNanos();
        synchronized (verdicts) {
            while (!verdicts.containsKey(offset)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(verdicts, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return verdicts.get(offset);
        }
    }

    /**
     * The service read an activation from its control topic: {@code refusal} null when it runs it now. An accepted
     * policy becomes this server's too (compiled here for every segment), whoever published it; an activation made
     * through this API learns its verdict from here.
     *
     * @param offset  the activation's control topic offset
     * @param yaml    the policy text (null when refused)
     * @param refusal why the service refused it, or null
     */
    public void serviceActivation(long offset, String yaml, String refusal) {
        String why = refusal;
        if (why == null) {
            Object r = compile(yaml);
            if (r instanceof Plan plan) {
                Loaded l = new Loaded(plan, Instant.now(), "control topic offset " + offset, yaml);
                current.set(l);
                history.add(historyEntry(l));
            } else {
                why = "the service runs it, but this server cannot compile it: " + r;
                alerter.raise("console-policy-stale", dev.veil.core.alert.Alert.Severity.WARNING, "offset " + offset,
                        "the policy activated at control offset " + offset + " runs in the service but not in the API: "
                                + "/v1/mask and the console still use " + current.get().policy.shortVersion(),
                        Map.of("offset", offset));
            }
        }
        synchronized (verdicts) {
            verdicts.put(offset, java.util.Optional.ofNullable(why));
            verdicts.notifyAll();
        }
    }

    /**
     * A raw record the service masked on {@code stream}, for the record viewer: kept in memory (the last one per
     * stream, at most one a second, bounded in size and count) and shown as each segment sees it, raw only under an
     * active grant. The caller passes records it masked successfully, never suppressed ones.
     */
    public void sample(String stream, byte[] record) {
        long now = System.nanoTime();
        Long last = sampledAt.get(stream);
        if (last == null || now - last >= 1_000_000_000L) {
            sampledAt.put(stream, now);
            keepSample(stream, record, 0, record.length);
        }
    }

    /** Keeps a copy of a record as its stream's sample, within the size and stream-count bounds. */
    private void keepSample(String stream, byte[] b, int off, int len) {
        if (options.samples && len <= MAX_SAMPLE_BYTES
                && (samples.containsKey(stream) || samples.size() < MAX_SAMPLED_STREAMS)) {
            samples.put(stream, java.util.Arrays.copyOfRange(b, off, off + len));
        }
    }

    private void policyText(Context ctx) {
        Loaded l = current.get();
        if (l.text == null) {
            error(ctx, 404, "the active policy's text is not known to this server");
            return;
        }
        ctx.contentType("application/yaml; charset=utf-8").header("X-Veil-Policy", l.policy.shortVersion()).result(l.text);
    }

    /** The candidate YAML in the body against the active text, line by line. */
    private void policyDiff(Context ctx) throws IOException {
        Loaded l = current.get();
        if (l.text == null) {
            error(ctx, 404, "the active policy's text is not known to this server");
            return;
        }
        List<String> a = l.text.lines().toList();
        List<String> b = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8).lines().toList();
        List<LineDiff.Line> d;
        try {
            d = LineDiff.diff(a, b);
        } catch (IllegalArgumentException e) {
            error(ctx, 413, e.getMessage());
            return;
        }
        int added = 0;
        int removed = 0;
        List<Map<String, String>> lines = new ArrayList<>();
        for (LineDiff.Line x : d) {
            added += x.op().equals("+") ? 1 : 0;
            removed += x.op().equals("-") ? 1 : 0;
            lines.add(Map.of("op", x.op(), "text", x.text()));
        }
        json(ctx, 200, Map.of("active", l.policy.shortVersion(), "added", added, "removed", removed, "lines", lines));
    }

    /** Records written per stream and segment so far: this server's and those of any registry it was given. */
    private void throughput(Context ctx) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<io.micrometer.core.instrument.MeterRegistry> all = new ArrayList<>(options.meters);
        all.add(registry);
        for (io.micrometer.core.instrument.MeterRegistry r : all) {
            for (Counter c : r.find("veil.records.out").counters()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stream", c.getId().getTag("stream"));
                m.put("segment", c.getId().getTag("segment"));
                m.put("records", (long) c.count());
                rows.add(m);
            }
        }
        json(ctx, 200, Map.of("at", System.currentTimeMillis(), "counters", rows));
    }

    /**
     * The last record of each stream as every segment sees it under the active policy. The raw record is added only
     * for a principal that requested a grant for that stream which is approved and active now; each raw view is
     * audited.
     */
    private void samples(Context ctx) throws Exception {
        Loaded l = current.get();
        Principal p = principal(ctx);
        JsonMasker m = new JsonMasker(l.plan);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(samples).entrySet()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("stream", e.getKey());
            one.put("views", views(m, e.getValue()));
            if (admin.holdsActiveGrant(p, e.getKey())) {
                one.put("raw", JSON.readTree(e.getValue()));
                audit("sample-raw-viewed", ctx, p, Map.of("stream", e.getKey()));
            }
            out.add(one);
        }
        json(ctx, 200, Map.of("policy", l.policy.shortVersion(), "samples", out));
    }

    /** The console's live alert feed; hand it to the service's alerter as a sink. */
    public AlertFeed alerts() {
        return alerts;
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

    void audit(String type, Context ctx, Principal p, Map<String, ?> extra) {
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

    static void json(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    static void error(Context ctx, int status, String message) {
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
        alerter.close();
    }
}
