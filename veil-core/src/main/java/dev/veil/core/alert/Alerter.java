package dev.veil.core.alert;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Raises alerts: folds repeats of the same alert within a window into one, holds each kind to a rate, and
 * delivers to every sink on its own thread so the masking path never waits on a webhook. What the rate limit held
 * back is reported, as a count, once the kind has room again — an alert storm is summarized, never silently lost.
 *
 * <p>{@link #raise} is thread-safe and cheap: a map lookup under a lock and a queue offer.
 */
public final class Alerter implements AutoCloseable {
    /** An alerter that raises nothing (tests, dry runs). */
    public static final Alerter NONE = new Alerter();

    private static final int MAX_KEYS = 10_000;
    private static final Alert POISON = new Alert("", "", Alert.Severity.INFO, java.time.Instant.EPOCH, "", "", "",
            Map.of(), 0, 0);

    private final String instance;
    private final List<AlertSink> sinks;
    private final long windowMs;
    private final double perMs;
    private final double burst;
    private final int retries;
    private final Duration backoff;
    private final Clock clock;
    private final Consumer<Alert> onRaised;
    private final Consumer<String> problems;
    private final BlockingQueue<Alert> queue;
    private final Thread worker;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, long[]> seen = new HashMap<>();     // kind+key -> {last raised ms, folded since}
    private final Map<String, double[]> buckets = new HashMap<>(); // kind -> {tokens, last refill ms, held back}

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong folded = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean closed;

    /** Counts since start: alerts delivered to every sink, folded as repeats, held back by the rate, dropped, failed. */
    public record Stats(long delivered, long folded, long rateLimited, long dropped, long failed) {
    }

    private Alerter() {
        instance = "";
        sinks = List.of();
        windowMs = 0;
        perMs = 0;
        burst = 0;
        retries = 0;
        backoff = Duration.ZERO;
        clock = Clock.systemUTC();
        onRaised = a -> { };
        problems = s -> { };
        queue = new ArrayBlockingQueue<>(1);
        worker = null;
        closed = true;
    }

    private Alerter(Builder b) {
        this.instance = b.instance;
        this.sinks = List.copyOf(b.sinks);
        this.windowMs = b.window.toMillis();
        this.burst = b.perMinute;
        this.perMs = b.perMinute / 60_000.0;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.clock = b.clock;
        this.onRaised = b.onRaised;
        this.problems = b.problems;
        this.queue = new ArrayBlockingQueue<>(b.queue);
        this.worker = new Thread(this::deliverLoop, "veil-alerts");
        worker.setDaemon(true);
        worker.start();
    }

    public static Builder builder(String instance) {
        return new Builder(instance);
    }

    /**
     * Raises an alert unless it repeats one raised within the window (then it is counted into the next) or its
     * kind is over the rate (then it is counted and summarized later). Returns whether it was raised. Never throws.
     */
    public boolean raise(String kind, Alert.Severity severity, String key, String message, Map<String, ?> fields) {
        return raise(kind, severity, key, () -> message, () -> fields);
    }

    /**
     * As {@link #raise(String, Alert.Severity, String, String, Map)}, with message and fields built only when the
     * alert is raised: a caller on the per-record path pays for a folded repeat with one map lookup, not a string.
     */
    public boolean raise(String kind, Alert.Severity severity, String key, Supplier<String> message,
                         Supplier<? extends Map<String, ?>> fields) {
        if (closed) {
            return false;
        }
        long now = clock.millis();
        long repeats;
        long suppressed;
        synchronized (this) {
            String k = kind + '\u0000' + key;
            long[] s = seen.get(k);
            if (s != null && now - s[0] < windowMs) {
                s[1]++;
                folded.incrementAndGet();
                return false;
            }
            double[] b = bucket(kind, now);
            if (b[0] < 1) {
                b[2]++;
                held.incrementAndGet();
                return false;
            }
            b[0] -= 1;
            suppressed = (long) b[2];
            b[2] = 0;
            repeats = s == null ? 0 : s[1];
            if (s == null) {
                if (seen.size() >= MAX_KEYS) {
                    evict(now);
                }
                seen.put(k, new long[] {now, 0});
            } else {
                s[0] = now;
                s[1] = 0;
            }
        }
        Alert a = new Alert(newId(), kind, severity, clock.instant(), instance, key, message.get(), fields.get(), repeats,
                suppressed);
        enqueue(a);
        return true;
    }

    private double[] bucket(String kind, long now) {
        double[] b = buckets.computeIfAbsent(kind, x -> new double[] {burst, now, 0});
        b[0] = Math.min(burst, b[0] + (now - b[1]) * perMs);
        b[1] = now;
        return b;
    }

    /** Forgets keys whose window has passed; when that is not enough, all of them (more alerts rather than fewer). */
    private void evict(long now) {
        seen.values().removeIf(s -> now - s[0] >= windowMs);
        if (seen.size() >= MAX_KEYS) {
            seen.clear();
        }
    }

    private void enqueue(Alert a) {
        try {
            onRaised.accept(a);
        } catch (RuntimeException e) {
            problems.accept("alert " + a.kind() + " could not be recorded: " + e.getClass().getName());
        }
        pending.incrementAndGet();
        if (!queue.offer(a)) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            problems.accept("alert " + a.kind() + " dropped: the delivery queue is full");
        }
    }

    /** Kinds whose held-back alerts have not been reported yet get one summary alert once their rate allows it. */
    private void reportHeldBack() {
        List<Alert> out = new ArrayList<>();
        synchronized (this) {
            long now = clock.millis();
            for (Iterator<Map.Entry<String, double[]>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, double[]> e = it.next();
                double[] b = bucket(e.getKey(), now);
                if (b[2] > 0 && b[0] >= 1) {
                    b[0] -= 1;
                    long n = (long) b[2];
                    b[2] = 0;
                    out.add(new Alert(newId(), e.getKey(), Alert.Severity.WARNING, clock.instant(), instance,
                            "rate-limit", n + " more '" + e.getKey() + "' alerts were held back by the rate limit",
                            Map.of(), 0, n));
                }
            }
        }
        out.forEach(this::enqueue);
    }

    private String newId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void deliverLoop() {
        while (true) {
            Alert a;
            try {
                a = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (a == POISON) {
                return;
            }
            if (a == null) {
                reportHeldBack();
                continue;
            }
            byte[] json = a.toJson();
            boolean all = true;
            for (AlertSink s : sinks) {
                all &= deliver(s, a, json);
            }
            if (all) {
                delivered.incrementAndGet();
            }
            pending.decrementAndGet();
        }
    }

    private boolean deliver(AlertSink sink, Alert a, byte[] json) {
        for (int attempt = 0; ; attempt++) {
            try {
                sink.deliver(a, json);
                return true;
            } catch (Exception e) {
                if (attempt >= retries || closed) {
                    failed.incrementAndGet();
                    problems.accept("alert " + a.kind() + " " + a.id() + " could not be delivered to " + sink.name()
                            + " after " + (attempt + 1) + " attempts: " + safe(e));
                    return false;
                }
                try {
                    Thread.sleep(backoff.toMillis() << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** An exception's type and, for I/O errors, its message — which names hosts and status codes, never alert content. */
    private static String safe(Exception e) {
        return e instanceof java.io.IOException && e.getMessage() != null
                ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getClass().getName();
    }

    /** Waits until every alert raised so far has been delivered or has failed; true when that happened in time. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public Stats stats() {
        return new Stats(delivered.get(), folded.get(), held.get(), dropped.get(), failed.get());
    }

    /** Delivers what is queued (up to 5 s), then closes the sinks. */
    @Override
    public void close() {
        if (worker == null || closed) {
            return;
        }
        try {
            awaitIdle(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        queue.clear();
        queue.offer(POISON);
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AlertSink s : sinks) {
            s.close();
        }
    }

    /** Options of an {@link Alerter}; defaults suit a service: 5 min dedupe window, 30 alerts per kind per minute. */
    public static final class Builder {
        private final String instance;
        private final List<AlertSink> sinks = new ArrayList<>();
        private Duration window = Duration.ofMinutes(5);
        private int perMinute = 30;
        private int queue = 1024;
        private int retries = 3;
        private Duration backoff = Duration.ofMillis(200);
        private Clock clock = Clock.systemUTC();
        private Consumer<Alert> onRaised = a -> { };
        private Consumer<String> problems = s -> System.getLogger("dev.veil.alerts").log(System.Logger.Level.WARNING, s);

        private Builder(String instance) {
            this.instance = instance;
        }

        public Builder sink(AlertSink s) {
            sinks.add(s);
            return this;
        }

        /** Repeats of one alert (same kind and key) within this window are folded into the next one raised. */
        public Builder dedupeWindow(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("the dedupe window cannot be negative");
            }
            this.window = d;
            return this;
        }

        /** At most this many alerts of one kind per minute (with bursts up to the same number). */
        public Builder perKindPerMinute(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("the alert rate must allow at least 1 per minute");
            }
            this.perMinute = n;
            return this;
        }

        /** Further attempts per sink after a failed delivery, waiting {@code backoff}, then twice that, and so on. */
        public Builder retries(int n, Duration backoff) {
            this.retries = n;
            this.backoff = backoff;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Called on the raising thread for every alert raised (after dedupe and rate): the audit trail's hook. */
        public Builder onRaised(Consumer<Alert> c) {
            this.onRaised = c;
            return this;
        }

        /** Where delivery problems are reported (default: the JDK platform logger). */
        public Builder problems(Consumer<String> c) {
            this.problems = c;
            return this;
        }

        public Alerter build() {
            return new Alerter(this);
        }
    }
}
