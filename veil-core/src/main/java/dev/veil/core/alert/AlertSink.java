package dev.veil.core.alert;

import java.io.IOException;

/** Where alerts go: a log, a webhook, a Kafka topic. Called on the {@link Alerter}'s delivery thread only. */
public interface AlertSink extends AutoCloseable {
    /** A short name for logs and errors, for example {@code webhook https://ops.example/hook}. */
    String name();

    /**
     * Delivers one alert; {@code json} is {@link Alert#toJson()}. Throws when delivery failed, so the alerter can
     * retry; must not block longer than its own timeout.
     */
    void deliver(Alert alert, byte[] json) throws IOException;

    @Override
    default void close() {
    }
}
