package dev.veil.avro;

import java.time.Duration;
import org.apache.avro.Schema;

/**
 * A schema source that rides out a registry outage: a call that fails (the registry is down, restarting, or
 * overloaded) is tried again with growing pauses until it answers or the patience runs out; then the failure stands
 * and the record is quarantined as {@code UNKNOWN_SCHEMA}, never forwarded. Answers — a schema, "no such schema", a
 * compatibility refusal — are never retried. Thread-safe when the wrapped source is.
 */
public final class RetryingSchemaSource implements SchemaSource {
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 2_000;

    private final SchemaSource source;
    private final long patienceNanos;

    /** @param patience how long one call may keep retrying; zero disables retries */
    public RetryingSchemaSource(SchemaSource source, Duration patience) {
        this.source = source;
        this.patienceNanos = patience.toNanos();
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T retry(Call<T> call) throws Exception {
        long deadline = System.nanoTime() + patienceNanos;
        long pause = FIRST_PAUSE_MS;
        while (true) {
            try {
                return call.run();
            } catch (Exception e) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !isOutage(e)) {
                    throw e;
                }
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
            }
        }
    }

    /**
     * Whether the failure is the registry not answering rather than an answer: a connection or I/O failure, or a
     * registry error 5xx, 408 or 429. A 4xx, a schema that does not parse, an incompatible schema are answers.
     */
    static boolean isOutage(Exception e) {
        if (e instanceof SchemaRegistry.RegistryError r) {
            return r.status >= 500 || r.status == 408 || r.status == 429;
        }
        return e instanceof java.io.IOException;
    }

    @Override
    public Schema byId(int id) throws Exception {
        return retry(() -> source.byId(id));
    }

    @Override
    public Schema byFingerprint(long fingerprint) throws Exception {
        return retry(() -> source.byFingerprint(fingerprint));
    }

    @Override
    public int register(String subject, Schema schema) throws Exception {
        return retry(() -> source.register(subject, schema));
    }

    @Override
    public String describe() {
        return source.describe();
    }
}
