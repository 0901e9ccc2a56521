package dev.veil.core.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.veil.core.codec.JsonText;
import dev.veil.core.keys.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The append-only, tamper-evident audit log. Every entry is one JSON line that carries its sequence number and the
 * SHA-256 of the line before it ({@code prev}), so changing, removing, inserting or reordering any line breaks the
 * chain at that point. Every {@code checkpointEvery} entries, and when the log is closed, a checkpoint entry is
 * signed with the writer's Ed25519 identity: it vouches for everything before it through the chain. A log closed
 * properly ends with a final checkpoint, so cutting entries off the end is detected too.
 *
 * <p>Entries never hold a raw value: callers pass names, counts, coordinates and identifiers only. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    /** {@code prev} of a chain's first entry. */
    public static final String ZERO = "0".repeat(64);
    public static final int DEFAULT_CHECKPOINT_EVERY = 1000;
    static final DateTimeFormatter TS = DateTimeFormatter.ISO_INSTANT;
    private static final JsonFactory JSON = new JsonFactory();

    private final AuditSink sink;
    private final Identity signer;
    private final String writer;
    private final Clock clock;
    private final int checkpointEvery;
    private long seq;
    private String prev;
    private int sinceCheckpoint;
    private boolean closed;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(512);

    private AuditLog(AuditSink sink, Identity signer, String writer, Clock clock, int checkpointEvery, long seq, String prev) {
        this.sink = sink;
        this.signer = signer;
        this.writer = writer;
        this.clock = clock;
        this.checkpointEvery = checkpointEvery;
        this.seq = seq;
        this.prev = prev;
    }

    /**
     * Starts a new chain on {@code sink}, named {@code writer} (unique per chain: a service instance uses its name
     * and start time). The first entry, {@code open}, names the public key that signs its checkpoints.
     */
    public static AuditLog start(AuditSink sink, Identity signer, String writer, Clock clock, int checkpointEvery)
            throws IOException {
        AuditLog log = new AuditLog(sink, signer, writer, clock, checkpointEvery, 0, ZERO);
        log.append("open", Map.of("key", signer.publicKeyText(), "signer", signer.name()));
        return log;
    }

    /**
     * Opens an audit file for appending: a new chain when the file is empty or absent, otherwise the chain goes on
     * from the file's last entry (a {@code resume} entry names this run's key).
     *
     * @throws IOException when the file does not end with a complete entry; it must be checked before use
     */
    public static AuditLog openFile(Path file, Identity signer, Clock clock, int checkpointEvery) throws IOException {
        String[] last = Files.exists(file) && Files.size(file) > 0 ? lastEntry(file) : null;
        FileAuditSink sink = new FileAuditSink(file);
        if (last == null) {
            return start(sink, signer, signer.name(), clock, checkpointEvery);
        }
        AuditLog log = new AuditLog(sink, signer, last[0], clock, checkpointEvery, Long.parseLong(last[1]) + 1, last[2]);
        log.append("resume", Map.of("key", signer.publicKeyText(), "signer", signer.name()));
        return log;
    }

    /** writer, seq and hash of the file's last line. */
    private static String[] lastEntry(Path file) throws IOException {
        byte[] tail;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 1 << 20);
            tail = new byte[n];
            f.seek(len - n);
            f.readFully(tail);
        }
        if (tail[tail.length - 1] != '\n') {
            throw new IOException(file + " does not end with a complete entry (a write was cut off); check it with"
                    + " 'veil audit verify' and start a new audit file");
        }
        int s = tail.length - 2;
        while (s >= 0 && tail[s] != '\n') {
            s--;
        }
        if (s < 0 && tail.length == (1 << 20)) {
            throw new IOException(file + ": last entry longer than 1 MiB; not a Veil audit file");
        }
        byte[] line = java.util.Arrays.copyOfRange(tail, s + 1, tail.length - 1);
        String writer = null;
        String seq = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + ": the last line is not an audit entry");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                if (k.equals("seq")) {
                    seq = Long.toString(p.getLongValue());
                } else if (k.equals("writer")) {
                    writer = p.getText();
                }
                p.skipChildren();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": the last line is not an audit entry (" + e.getOriginalMessage() + ")");
        }
        if (writer == null || seq == null) {
            throw new IOException(file + ": the last line is not an audit entry (no seq or writer)");
        }
        return new String[] {writer, seq, sha256Hex(line)};
    }

    /**
     * Appends an entry of {@code type}. Field values may be strings, numbers, booleans, lists and maps of those;
     * map order is kept as iterated.
     */
    public synchronized void append(String type, Map<String, ?> fields) throws IOException {
        if (closed) {
            throw new IOException("the audit log is closed");
        }
        write(type, fields, false, false);
        if (++sinceCheckpoint >= checkpointEvery) {
            checkpoint();
        }
    }

    /** Writes a signed checkpoint now (when anything was written since the last one). */
    public synchronized void checkpoint() throws IOException {
        if (!closed && sinceCheckpoint > 0) {
            write("checkpoint", Map.of(), true, false);
            sinceCheckpoint = 0;
            sink.flush();
        }
    }

    private void write(String type, Map<String, ?> fields, boolean sign, boolean fin) throws IOException {
        buf.reset();
        try (JsonGenerator g = JSON.createGenerator(buf)) {
            g.writeStartObject();
            g.writeNumberField("seq", seq);
            g.writeStringField("ts", TS.format(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS)));
            g.writeStringField("writer", writer);
            g.writeStringField("type", type);
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                g.writeFieldName(e.getKey());
                JsonText.write(g, e.getValue());
            }
            if (sign) {
                g.writeNumberField("entries", seq);
                g.writeBooleanField("final", fin);
            }
            g.writeStringField("prev", prev);
            g.writeEndObject();
        }
        byte[] line = buf.toByteArray();
        if (sign) {
            // The signature covers the line as it reads without its own field: {... "prev":"…"}
            byte[] sig = signer.sign(line);
            String tail = ",\"sig\":\"" + Base64.getEncoder().encodeToString(sig) + "\"}";
            byte[] signed = new byte[line.length - 1 + tail.length()];
            System.arraycopy(line, 0, signed, 0, line.length - 1);
            System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, signed, line.length - 1, tail.length());
            line = signed;
        }
        sink.write(line);
        prev = sha256Hex(line);
        seq++;
    }

    /** Writes the final checkpoint and closes the sink. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            write("checkpoint", Map.of(), true, true);
            sink.flush();
        } finally {
            closed = true;
            sink.close();
        }
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits file bytes into lines (without their newlines); a last line without newline is kept as is. */
    static List<byte[]> lines(byte[] all) {
        List<byte[]> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                out.add(java.util.Arrays.copyOfRange(all, s, i));
                s = i + 1;
            }
        }
        if (s < all.length) {
            out.add(java.util.Arrays.copyOfRange(all, s, all.length));
        }
        return out;
    }
}
