package dev.veil.cli;

import dev.veil.core.codec.JsonText;
import dev.veil.core.keys.Sealer;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Where refused records go. Each entry names the source, line, reason and size; the record itself is only
 * kept sealed (AES-GCM, with the policy's {@code quarantine} key, bound to source and line) — never in clear.
 */
final class Quarantine implements Closeable {
    private final BufferedWriter out;
    private final Sealer sealer;
    private final String policyVersion;

    Quarantine(Path file, Sealer sealer, String policyVersion) throws IOException {
        this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.sealer = sealer;
        this.policyVersion = policyVersion;
    }

    boolean enabled() {
        return out != null;
    }

    /** Writes an entry made by {@link #entry}. */
    void write(String entry) throws IOException {
        if (out != null) {
            out.write(entry);
        }
    }

    /** One entry as a JSON line (thread-safe: workers build entries, the writer writes them in order). */
    String entry(String source, long line, String reason, String error, long bytes, byte[] record, int off, int len) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"source\":");
        JsonText.quote(source, sb);
        sb.append(",\"line\":").append(line).append(",\"reason\":\"").append(reason).append("\",\"error\":");
        JsonText.quote(error, sb);
        sb.append(",\"bytes\":").append(bytes).append(",\"policy\":\"").append(policyVersion).append('"');
        if (sealer != null && record != null) {
            byte[] ctx = context(source, line);
            byte[] sealed = sealer.seal(Arrays.copyOfRange(record, off, off + len), ctx);
            sb.append(",\"sealed\":\"").append(Base64.getUrlEncoder().withoutPadding().encodeToString(sealed)).append('"');
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** Associated data binding a sealed record to where it came from. */
    static byte[] context(String source, long line) {
        return ("veil-quarantine:" + source + ":" + line).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
