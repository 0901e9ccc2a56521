package dev.veil.core.audit;

import java.io.IOException;

/** Where audit entries go: a file, a Kafka topic. Receives each entry as one complete line of UTF-8 JSON. */
public interface AuditSink extends AutoCloseable {
    /** Appends one entry; {@code line} ends without a newline. */
    void write(byte[] line) throws IOException;

    /** Makes what was written so far durable to the degree the sink can. */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
