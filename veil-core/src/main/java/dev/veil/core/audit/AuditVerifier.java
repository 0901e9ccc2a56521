package dev.veil.core.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an audit log: every chain (one per writer) must start with {@code open}, number its entries without gap,
 * link each entry to the SHA-256 of the one before, carry valid signatures on its checkpoints and, unless the log
 * is declared open (still being written), end with a final checkpoint. Reports the first bad entry.
 */
public final class AuditVerifier {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String SIG = ",\"sig\":\"";

    /** The outcome: either intact, or the first problem with its line (1-based) and what is wrong there. */
    public record Report(boolean intact, long entries, int chains, long checkpoints, long unsignedTail, long line,
                         String problem, boolean keysPinned) {
    }

    private static final class Chain {
        long nextSeq;
        String lastHash;
        PublicKey key;
        boolean endsFinal;
        long sinceCheckpoint;
    }

    private final Set<String> trustedKeys;
    private final boolean open;

    /**
     * @param trustedKeys public keys (base64 X.509) allowed to sign; empty: any key a chain names itself, which
     *                    detects edits but not a whole log rewritten and re-signed with another key
     * @param open        the log may still be written: entries after the last checkpoint are reported, not refused
     */
    public AuditVerifier(Set<String> trustedKeys, boolean open) {
        this.trustedKeys = Set.copyOf(trustedKeys);
        this.open = open;
    }

    public Report verify(byte[] file) {
        List<byte[]> lines = AuditLog.lines(file);
        Map<String, Chain> chains = new LinkedHashMap<>();
        long checkpoints = 0;
        boolean endsWithNewline = file.length == 0 || file[file.length - 1] == '\n';
        for (int i = 0; i < lines.size(); i++) {
            long ln = i + 1;
            byte[] line = lines.get(i);
            if (i == lines.size() - 1 && !endsWithNewline && !open) {
                return bad(i, chains, checkpoints, ln, "the last line is cut off (no newline): a write was interrupted"
                        + " or the file was truncated");
            }
            Fields f;
            try {
                f = parse(line);
            } catch (IOException e) {
                return bad(i, chains, checkpoints, ln, "not a valid audit entry: " + e.getMessage());
            }
            if (f.seq < 0 || f.writer == null || f.type == null || f.prev == null || f.ts == null) {
                return bad(i, chains, checkpoints, ln, "not a valid audit entry: seq, ts, writer, type or prev missing");
            }
            Chain c = chains.get(f.writer);
            if (c == null) {
                if (!f.type.equals("open") || f.seq != 0 || !f.prev.equals(AuditLog.ZERO)) {
                    return bad(i, chains, checkpoints, ln, "entry seq " + f.seq + " of writer '" + f.writer
                            + "' comes before that chain's opening entry: entries were removed from the start");
                }
                c = new Chain();
                chains.put(f.writer, c);
            } else {
                if (f.type.equals("open")) {
                    return bad(i, chains, checkpoints, ln, "a second opening entry for writer '" + f.writer
                            + "': an entry was inserted");
                }
                if (f.seq != c.nextSeq) {
                    return bad(i, chains, checkpoints, ln, "seq " + f.seq + " where " + c.nextSeq + " was due in the chain of '"
                            + f.writer + "': entries were " + (f.seq > c.nextSeq ? "removed or reordered" : "inserted or reordered"));
                }
                if (!f.prev.equals(c.lastHash)) {
                    return bad(i, chains, checkpoints, ln - 1, "this entry (seq " + (f.seq - 1)
                            + ") was changed: the next entry's hash link does not match it");
                }
            }
            if (f.type.equals("open") || f.type.equals("resume")) {
                if (f.key == null) {
                    return bad(i, chains, checkpoints, ln, "'" + f.type + "' entry without a signing key");
                }
                if (!trustedKeys.isEmpty() && !trustedKeys.contains(f.key)) {
                    return bad(i, chains, checkpoints, ln, "the chain of '" + f.writer + "' is signed by a key that is"
                            + " not trusted");
                }
                try {
                    c.key = Identity.parsePublicKey(f.key);
                } catch (KeyException e) {
                    return bad(i, chains, checkpoints, ln, "'" + f.type + "' entry: " + e.getMessage());
                }
            }
            c.endsFinal = false;
            if (f.type.equals("checkpoint")) {
                if (f.sig == null) {
                    return bad(i, chains, checkpoints, ln, "checkpoint without a signature");
                }
                int at = lastIndexOf(line, SIG);
                if (at < 0) {
                    return bad(i, chains, checkpoints, ln, "checkpoint signature is not where the writer puts it");
                }
                byte[] signed = new byte[at + 1];
                System.arraycopy(line, 0, signed, 0, at);
                signed[at] = '}';
                byte[] sig;
                try {
                    sig = Base64.getDecoder().decode(f.sig);
                } catch (IllegalArgumentException e) {
                    return bad(i, chains, checkpoints, ln, "checkpoint signature is not base64");
                }
                String tail = new String(line, at, line.length - at, StandardCharsets.UTF_8);
                if (!tail.equals(SIG + f.sig + "\"}") || !Identity.verify(c.key, signed, sig)) {
                    return bad(i, chains, checkpoints, ln, "checkpoint signature does not verify: the checkpoint or"
                            + " the key was changed");
                }
                checkpoints++;
                c.sinceCheckpoint = 0;
                c.endsFinal = f.fin;
            } else {
                c.sinceCheckpoint++;
            }
            c.nextSeq = f.seq + 1;
            c.lastHash = AuditLog.sha256Hex(line);
        }
        long entries = lines.size();
        long unsigned = 0;
        for (Map.Entry<String, Chain> e : chains.entrySet()) {
            unsigned += e.getValue().sinceCheckpoint;
            if (!open && !e.getValue().endsFinal) {
                return new Report(false, entries, chains.size(), checkpoints, unsigned, entries,
                        "the chain of '" + e.getKey() + "' does not end with its final checkpoint: entries were cut off"
                                + " the end, or the writer did not close the log (pass --open for a log still being written)",
                        !trustedKeys.isEmpty());
            }
        }
        return new Report(true, entries, chains.size(), checkpoints, unsigned, 0, null, !trustedKeys.isEmpty());
    }

    private Report bad(int i, Map<String, Chain> chains, long checkpoints, long line, String problem) {
        return new Report(false, i, chains.size(), checkpoints, 0, Math.max(line, 1), problem, !trustedKeys.isEmpty());
    }

    private static int lastIndexOf(byte[] line, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = line.length - n.length; i >= 0; i--) {
            for (int j = 0; j < n.length; j++) {
                if (line[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final class Fields {
        long seq = -1;
        String ts;
        String writer;
        String type;
        String prev;
        String key;
        String sig;
        boolean fin;
    }

    private static Fields parse(byte[] line) throws IOException {
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonToken t = p.nextToken();
                switch (k) {
                    case "seq" -> f.seq = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "ts" -> f.ts = p.getValueAsString();
                    case "writer" -> f.writer = p.getValueAsString();
                    case "type" -> f.type = p.getValueAsString();
                    case "prev" -> f.prev = p.getValueAsString();
                    case "key" -> f.key = p.getValueAsString();
                    case "sig" -> f.sig = p.getValueAsString();
                    case "final" -> f.fin = t == JsonToken.VALUE_TRUE;
                    default -> { }
                }
                p.skipChildren();
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("trailing content after the entry");
            }
        } catch (JsonProcessingException e) {
            throw new IOException(e.getOriginalMessage());
        }
        return f;
    }
}
