package dev.veil.core.governance;

import dev.veil.core.governance.GovernanceRecord.ConsentChange;
import dev.veil.core.governance.GovernanceRecord.GrantRecord;
import dev.veil.core.governance.GovernanceRecord.Revocation;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governance records received so far, from the control topic or the local store file. Nothing here is trusted
 * yet: {@link #evaluate} checks signatures and policy limits. Records are kept per store key in small bounded
 * lists, so a forged record cannot push a genuine one out and a flood of them cannot grow memory without end.
 * Not thread-safe: one reader thread feeds it and publishes the {@link Governance} it evaluates.
 */
public final class GovernanceLedger {
    static final int PER_KEY = 8;
    private final Map<String, List<GovernanceRecord>> records = new LinkedHashMap<>();

    /**
     * Adds a record.
     *
     * @throws IllegalArgumentException when the bytes are not a governance record (the message quotes nothing)
     */
    public GovernanceRecord add(byte[] json) {
        GovernanceRecord r = GovernanceRecord.parse(json);
        add(r);
        return r;
    }

    public void add(GovernanceRecord r) {
        List<GovernanceRecord> l = records.computeIfAbsent(r.storeKey(), k -> new ArrayList<>(2));
        if (l.contains(r)) {
            return;
        }
        if (l.size() == PER_KEY) {
            l.remove(0);
        }
        l.add(r);
    }

    /** Checks every record against the policy and trust store. */
    public Governance evaluate(Policy policy, TrustStore trust, KeyedHash fingerprints) {
        List<GrantRecord> grants = new ArrayList<>();
        List<Revocation> revocations = new ArrayList<>();
        List<ConsentChange> consent = new ArrayList<>();
        for (List<GovernanceRecord> l : records.values()) {
            for (GovernanceRecord r : l) {
                if (r instanceof GrantRecord g) {
                    grants.add(g);
                } else if (r instanceof Revocation v) {
                    revocations.add(v);
                } else if (r instanceof ConsentChange c) {
                    consent.add(c);
                }
            }
        }
        return Governance.evaluate(grants, revocations, consent, policy, trust, fingerprints);
    }

    /** The grant records of that id (request, approval), oldest first. */
    public List<GrantRecord> grant(String id) {
        List<GrantRecord> out = new ArrayList<>();
        for (GovernanceRecord r : records.getOrDefault("grant/" + id, List.of())) {
            out.add((GrantRecord) r);
        }
        return out;
    }

    /** Reads a local store file: one record per line. A line that is not a record is an error naming its number. */
    public static GovernanceLedger read(Path file) throws IOException {
        GovernanceLedger l = new GovernanceLedger();
        if (!Files.exists(file)) {
            return l;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                l.add(line.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + n + ": not a governance record: " + e.getMessage());
            }
        }
        return l;
    }

    /** Appends a record to a local store file. */
    public static void append(Path file, GovernanceRecord r) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        byte[] json = r.toJson();
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
