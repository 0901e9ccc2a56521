package dev.veil.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The example policy and events of the repository, copied where a test may change them. */
final class Fixtures {
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    private Fixtures() {
    }

    /** Copies the example keys into {@code dir} and writes the example policy, edited by {@code edit}, as policy.yaml. */
    static Path policy(Path dir, java.util.function.UnaryOperator<String> edit) {
        try {
            Path keys = Files.createDirectories(dir.resolve("keys"));
            for (String k : List.of("demo.keyset.json", "demo-quarantine.keyset.json")) {
                Files.copy(EXAMPLES.resolve("keys").resolve(k), keys.resolve(k),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            String text = Files.readString(EXAMPLES.resolve("retail.yaml"));
            Path file = dir.resolve("policy.yaml");
            Files.writeString(file, edit.apply(text));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path policy(Path dir) {
        return policy(dir, t -> t);
    }

    /** The example events (JSON lines of the shared corpus shapes). */
    static List<String> events() {
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(EXAMPLES.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
