package dev.veil.kafka;

/**
 * Receives raw records the service masked successfully (never refused or suppressed ones), for a record viewer that
 * shows each segment's view beside the raw record under a grant. Called on the stream threads for every such record:
 * an implementation must be cheap and keep what it takes in memory only.
 */
@FunctionalInterface
public interface RecordSampler {
    /** Takes nothing. */
    RecordSampler NONE = (stream, value) -> { };

    /** A raw record of {@code stream}; the array is the service's, so copy what is kept. */
    void offer(String stream, byte[] value);
}
