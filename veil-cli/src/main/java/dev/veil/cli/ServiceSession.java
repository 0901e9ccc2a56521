package dev.veil.cli;

import dev.veil.kafka.EmbeddedKafka;
import dev.veil.kafka.MetricsEndpoint;
import dev.veil.kafka.VeilService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Everything {@code veil run} and {@code veil up} keep running: the embedded broker when there is one, the masking
 * service, the metrics endpoint and extras such as the demo producer. Closed in reverse order of opening, once,
 * whether the session ends by Ctrl-C, SIGTERM, {@code --for} or an error.
 */
final class ServiceSession implements AutoCloseable {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    /** What run and up print when {@link #awaitStop} reports a failure. */
    static final String FAILED = "veil: the service failed (Kafka Streams in ERROR, or the control topic reader stopped);"
            + " see the log above, then restart it";
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EmbeddedKafka broker;
    VeilService service;
    MetricsEndpoint metrics;
    private final Thread hook;

    /**
     * Registers the shutdown hook at once, so Ctrl-C during start-up (creating topics, joining the group) still
     * closes whatever has opened: the hook releases {@link #awaitStop} and waits for {@link #close}.
     */
    ServiceSession() {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "veil-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts the embedded broker with its data under {@code dataDir/kafka}. */
    String startBroker(Path dataDir, int port) throws IOException {
        broker = EmbeddedKafka.start(dataDir.resolve("kafka"), port);
        open.push(broker);
        return broker.bootstrapServers();
    }

    void startService(VeilService s) throws dev.veil.kafka.ServiceException {
        service = s.start();
        open.push(service);
    }

    /** Serves /metrics on 127.0.0.1:port; port -1 turns it off. Returns the port, or -1. */
    int startMetrics(int port) throws IOException {
        if (port < 0) {
            return -1;
        }
        metrics = MetricsEndpoint.start(registry, "127.0.0.1", port);
        open.push(metrics);
        return metrics.port();
    }

    void keep(AutoCloseable c) {
        open.push(c);
    }

    /**
     * Blocks until Ctrl-C or SIGTERM, for {@code limit} when given, or until the service fails. A signal makes
     * the JVM wait in the hook until this session has closed, so an open transaction is aborted and the broker
     * flushes before exit.
     *
     * @return true when the service failed (the caller exits non-zero)
     */
    boolean awaitStop(Duration limit, PrintWriter out, Duration statusEvery, Runnable status) throws InterruptedException {
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        long every = statusEvery == null ? Long.MAX_VALUE : statusEvery.toNanos();
        long nextStatus = statusEvery == null ? Long.MAX_VALUE : System.nanoTime() + every;
        while (System.nanoTime() < deadline) {
            if (stop.await(Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(0, deadline - System.nanoTime())),
                    TimeUnit.NANOSECONDS)) {
                out.println("veil: stopping");
                out.flush();
                return false;
            }
            if (service != null && service.failed()) {
                return true;
            }
            if (status != null && System.nanoTime() >= nextStatus && System.nanoTime() < deadline) {
                status.run();
                out.flush();
                nextStatus += every;
            }
        }
        return false;
    }

    /** Sum of a counter over all its tags (0 when absent). */
    static long total(MeterRegistry registry, String name) {
        double sum = 0;
        for (Counter c : registry.find(name).counters()) {
            sum += c.count();
        }
        return (long) sum;
    }

    @Override
    public void close() {
        try {
            while (!open.isEmpty()) {
                try {
                    open.pop().close();
                } catch (Exception e) {
                    // Keep closing the rest; the names of the parts say enough.
                    System.err.println("veil: while stopping: " + e.getClass().getSimpleName());
                }
            }
            registry.close();
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is running us
            }
        }
    }
}
