package dev.veil.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (principal name, or client address for failed logins): {@code perSecond} requests a
 * second with bursts up to the same number. Thread-safe; a bucket is a few words, and keys are bounded by the
 * token file plus the addresses that knock.
 */
final class RateLimiter {
    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    RateLimiter(double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("a rate is positive");
        }
        this.perSecond = perSecond;
    }

    /** Takes one request from {@code key}'s bucket; false when it is empty. */
    boolean tryAcquire(String key, long nanoTime) {
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, nanoTime));
        synchronized (b) {
            double elapsed = Math.max(0, nanoTime - b.at) / 1e9;
            b.at = nanoTime;
            b.tokens = Math.min(perSecond, b.tokens + elapsed * perSecond);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
