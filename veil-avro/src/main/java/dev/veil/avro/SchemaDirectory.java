package dev.veil.avro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * Schemas in a local directory, for setups without a registry: {@code ID.avsc} or {@code ID-SUBJECT.avsc}, one schema
 * per file. Output schemas are registered by writing the next id as {@code ID-SUBJECT.avsc}, after the same backward
 * compatibility check a registry applies by default (the new schema must read what the subject's latest one wrote).
 */
public final class SchemaDirectory implements SchemaSource {
    private static final Pattern FILE = Pattern.compile("(\\d{1,9})(?:-(.+))?\\.avsc");
    private final Path dir;
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Long, Schema> byFingerprint = new HashMap<>();
    /** Per subject, its schemas by id (versions in id order). */
    private final Map<String, TreeMap<Integer, Schema>> subjects = new HashMap<>();

    private SchemaDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads every schema file in {@code dir}.
     *
     * @throws IOException naming the file that is not a valid schema
     */
    public static SchemaDirectory open(Path dir) throws IOException {
        SchemaDirectory d = new SchemaDirectory(dir);
        Files.createDirectories(dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            Matcher m = FILE.matcher(f.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            Schema schema;
            try {
                schema = new Schema.Parser().parse(Files.readString(f));
            } catch (RuntimeException e) {
                throw new IOException(f + ": not an Avro schema (" + e.getMessage() + ")");
            }
            int id = Integer.parseInt(m.group(1));
            if (d.byId.containsKey(id)) {
                throw new IOException(f + ": schema id " + id + " is used by another file too");
            }
            d.add(id, m.group(2), schema);
        }
        return d;
    }

    private void add(int id, String subject, Schema schema) {
        byId.put(id, schema);
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        if (subject != null) {
            subjects.computeIfAbsent(subject, k -> new TreeMap<>()).put(id, schema);
        }
    }

    @Override
    public synchronized Schema byId(int id) {
        return byId.get(id);
    }

    @Override
    public synchronized Schema byFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** The ids registered under {@code subject}, oldest first. */
    public synchronized List<Integer> versions(String subject) {
        TreeMap<Integer, Schema> v = subjects.get(subject);
        return v == null ? List.of() : new ArrayList<>(v.keySet());
    }

    @Override
    public synchronized int register(String subject, Schema schema) throws IOException, IncompatibleSchema {
        if (subject.isEmpty() || subject.contains("/") || subject.contains("\\") || subject.startsWith(".")) {
            throw new IllegalArgumentException("subject '" + subject + "' cannot name a file");
        }
        TreeMap<Integer, Schema> versions = subjects.getOrDefault(subject, new TreeMap<>());
        String canonical = SchemaNormalization.toParsingForm(schema);
        for (Map.Entry<Integer, Schema> e : versions.entrySet()) {
            if (SchemaNormalization.toParsingForm(e.getValue()).equals(canonical)) {
                return e.getKey();
            }
        }
        if (!versions.isEmpty()) {
            Schema latest = versions.lastEntry().getValue();
            SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
            if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IncompatibleSchema("the new schema of " + subject + " cannot read what its latest version (id "
                        + versions.lastKey() + ") wrote: " + c.getDescription());
            }
        }
        int id = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Path f = dir.resolve(id + "-" + subject + ".avsc");
        Path tmp = Files.createTempFile(dir, ".schema", ".tmp");
        try {
            Files.writeString(tmp, schema.toString(true));
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        add(id, subject, schema);
        return id;
    }

    @Override
    public String describe() {
        return "schema directory " + dir;
    }
}
