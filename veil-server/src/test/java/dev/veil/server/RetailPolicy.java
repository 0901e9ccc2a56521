package dev.veil.server;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The example retail policy and its demo keysets, copied into a test's directory, compiled for every segment. */
final class RetailPolicy {
    private RetailPolicy() {
    }

    /** Copies policy and keysets into {@code dir}; the policy file is {@code dir/retail.yaml}. */
    static Path copyInto(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        for (String k : List.of("demo.keyset.json", "demo-quarantine.keyset.json")) {
            Files.copy(Path.of("../examples/keys", k), dir.resolve("keys").resolve(k));
        }
        return Files.copy(Path.of("../examples/retail.yaml"), dir.resolve("retail.yaml"));
    }

    static Plan plan(Policy p) throws Exception {
        return Plan.compile(p, List.of(), KeyRing.of(p.keys()), Limits.DEFAULT);
    }

    /** {@link #copyInto} then {@link #plan}. */
    static Plan compiled(Path dir) throws Exception {
        return plan(PolicyLoader.load(copyInto(dir)));
    }
}
