package dev.veil.kafka;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves the registry in the Prometheus text format at {@code /metrics}, on 127.0.0.1 unless told otherwise. The
 * JDK's own HTTP server is enough for one scrape path; the console and API live in veil-server.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on {@code host:port} (port 0: any free port). */
    public static MetricsEndpoint start(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
        s.createContext("/metrics", ex -> {
            try (ex) {
                if (!"GET".equals(ex.getRequestMethod())) {
                    respond(ex, 405, "only GET\n");
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                respond(ex, 200, registry.scrape());
            }
        });
        s.createContext("/", ex -> {
            try (ex) {
                respond(ex, 404, "metrics are at /metrics\n");
            }
        });
        s.start();
        return new MetricsEndpoint(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
