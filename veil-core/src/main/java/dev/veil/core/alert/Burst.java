package dev.veil.core.alert;

/**
 * Tells a burst from background noise: {@link #hit} is true when at least {@code threshold} events fell within
 * {@code windowMs}, counting this one. Thread-safe; O(1) per event.
 */
public final class Burst {
    private final long[] ring;
    private final long windowMs;
    private int next;
    private long count;

    public Burst(int threshold, long windowMs) {
        if (threshold < 1) {
            throw new IllegalArgumentException("a burst needs a threshold of at least 1");
        }
        this.ring = new long[threshold];
        this.windowMs = windowMs;
    }

    public synchronized boolean hit(long nowMs) {
        ring[next] = nowMs;
        next = (next + 1) % ring.length;
        count++;
        // ring[next] is now the oldest of the last `threshold` events
        return count >= ring.length && nowMs - ring[next] < windowMs;
    }

}
