package dev.veil.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.keys.Identity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash chain and signed checkpoints: an intact log verifies; every kind of tampering is found and located. */
class AuditLogTest {
    private static final Identity WRITER = Identity.generate("veil-test");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void writeLog() throws IOException {
        file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.openFile(file, WRITER, CLOCK, 4)) {
            for (int i = 0; i < 10; i++) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("stream", "orders");
                f.put("partition", i % 3);
                f.put("offsets", List.of(i * 100L, i * 100L + 99));
                f.put("counts", Map.of("EMAIL:hash", 12L));
                log.append("summary", f);
            }
        }
    }

    private AuditVerifier.Report verify(boolean open) throws IOException {
        return new AuditVerifier(Set.of(WRITER.publicKeyText()), open).verify(Files.readAllBytes(file));
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
    }

    @Test
    void intactLogVerifiesWithPeriodicAndFinalCheckpoints() throws IOException {
        AuditVerifier.Report r = verify(false);
        assertThat(r.intact()).as(r.problem()).isTrue();
        // open + 10 entries: a checkpoint after every 4 entries (the opening one counts), and the final one
        assertThat(r.checkpoints()).isEqualTo(3);
        assertThat(r.entries()).isEqualTo(lines().size());
        assertThat(lines().get(lines().size() - 1)).contains("\"type\":\"checkpoint\"").contains("\"final\":true");
    }

    @Test
    void anyChangedByteIsFoundAtItsLine() throws IOException {
        List<String> original = lines();
        for (int ln = 0; ln < original.size(); ln++) {
            List<String> l = new ArrayList<>(original);
            String s = l.get(ln);
            // change one character inside the line: a digit in the timestamp, everywhere the same position
            int at = s.indexOf("10:00:00");
            l.set(ln, s.substring(0, at) + "11" + s.substring(at + 2));
            write(l);
            AuditVerifier.Report r = verify(false);
            assertThat(r.intact()).as("changed line " + (ln + 1)).isFalse();
            assertThat(r.line()).as(r.problem()).isEqualTo(ln + 1);
        }
    }

    @Test
    void removedInsertedAndReorderedEntriesAreFound() throws IOException {
        List<String> original = lines();
        List<String> removed = new ArrayList<>(original);
        removed.remove(3);
        write(removed);
        AuditVerifier.Report r = verify(false);
        assertThat(r.intact()).isFalse();
        assertThat(r.line()).isEqualTo(4);
        assertThat(r.problem()).contains("removed");

        List<String> inserted = new ArrayList<>(original);
        inserted.add(5, original.get(2));
        write(inserted);
        r = verify(false);
        assertThat(r.intact()).isFalse();
        assertThat(r.line()).isEqualTo(6);

        List<String> swapped = new ArrayList<>(original);
        swapped.set(2, original.get(3));
        swapped.set(3, original.get(2));
        write(swapped);
        r = verify(false);
        assertThat(r.intact()).isFalse();
        assertThat(r.line()).isEqualTo(3);

        List<String> headless = new ArrayList<>(original.subList(1, original.size()));
        write(headless);
        r = verify(false);
        assertThat(r.intact()).isFalse();
        assertThat(r.line()).isEqualTo(1);
        assertThat(r.problem()).contains("removed from the start");
    }

    @Test
    void cuttingTheEndIsFoundEvenAtAPeriodicCheckpoint() throws IOException {
        List<String> original = lines();
        write(original.subList(0, original.size() - 1));
        assertThat(verify(false).intact()).isFalse();
        assertThat(verify(false).problem()).contains("final checkpoint");
        // cut back to the periodic checkpoint after the first four entries: a valid signature, but not final
        int cp = -1;
        for (int i = 0; i < original.size(); i++) {
            if (original.get(i).contains("\"checkpoint\"")) {
                cp = i;
                break;
            }
        }
        write(original.subList(0, cp + 1));
        assertThat(verify(false).intact()).isFalse();
        // a log still being written may end there
        AuditVerifier.Report open = verify(true);
        assertThat(open.intact()).isTrue();
        // a torn last line
        Files.writeString(file, String.join("\n", original).substring(0, 200));
        assertThat(verify(false).intact()).isFalse();
    }

    @Test
    void forgedSignaturesAndForeignKeysAreRefused() throws IOException {
        List<String> original = lines();
        List<String> l = new ArrayList<>(original);
        String last = l.get(l.size() - 1);
        int sig = last.indexOf("\"sig\":\"") + 7;
        char c = last.charAt(sig + 5);
        l.set(l.size() - 1, last.substring(0, sig + 5) + (c == 'A' ? 'B' : 'A') + last.substring(sig + 6));
        write(l);
        AuditVerifier.Report r = verify(false);
        assertThat(r.intact()).isFalse();
        assertThat(r.line()).isEqualTo(l.size());
        assertThat(r.problem()).contains("signature");

        // the whole log rewritten by someone else verifies on its own, but not against the pinned key
        Path other = dir.resolve("other.jsonl");
        try (AuditLog log = AuditLog.openFile(other, Identity.generate("mallory"), CLOCK, 4)) {
            log.append("summary", Map.of("stream", "orders"));
        }
        byte[] forged = Files.readAllBytes(other);
        assertThat(new AuditVerifier(Set.of(), false).verify(forged).intact()).isTrue();
        AuditVerifier.Report pinned = new AuditVerifier(Set.of(WRITER.publicKeyText()), false).verify(forged);
        assertThat(pinned.intact()).isFalse();
        assertThat(pinned.problem()).contains("not trusted");
    }

    @Test
    void aLaterRunContinuesTheChain() throws IOException {
        try (AuditLog log = AuditLog.openFile(file, WRITER, CLOCK, 100)) {
            log.append("summary", Map.of("stream", "tickets"));
        }
        AuditVerifier.Report r = verify(false);
        assertThat(r.intact()).as(r.problem()).isTrue();
        assertThat(r.chains()).isEqualTo(1);
        assertThat(lines()).anyMatch(s -> s.contains("\"type\":\"resume\""));
    }

    @Test
    void onlyPlainValuesAreAccepted() throws IOException {
        try (AuditLog log = AuditLog.start(new FileAuditSink(dir.resolve("x.jsonl")), WRITER, "w", CLOCK, 10)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.append("x", Map.of("o", new Object())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
