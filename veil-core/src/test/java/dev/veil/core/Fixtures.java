package dev.veil.core;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyException;
import dev.veil.core.policy.PolicyLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Policies, plans and maskers for tests; hash keys come from a keyset made once per test run. */
public final class Fixtures {
    public static final String KEY_ENV = "VEIL_TEST_KEYSET";
    private static final String KEYSET;

    static {
        try {
            KEYSET = KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF);
        } catch (KeyException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Fixtures() {
    }

    public static Policy policy(String yaml) {
        try {
            return PolicyLoader.parse(yaml, "test.yaml", Path.of("."));
        } catch (PolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** A policy header with the test key: append classes/fields/scan/segments. */
    public static String header() {
        return "veil: 1\nname: test\nkeys:\n  default: {env: " + KEY_ENV + "}\n";
    }

    public static KeyRing keys(Policy p) {
        return KeyRing.of(p.keys(), Map.of(KEY_ENV, KEYSET)::get);
    }

    public static Plan plan(String yaml, String... segments) {
        return plan(yaml, Limits.DEFAULT, segments);
    }

    public static Plan plan(String yaml, Limits limits, String... segments) {
        Policy p = policy(yaml);
        try {
            return Plan.compile(p, List.of(segments), keys(p), limits);
        } catch (PlanException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Masks one record for the plan's first segment; null when dropped. */
    public static String mask(Plan plan, String json) throws RecordException {
        return mask(new JsonMasker(plan), json, 0);
    }

    public static String mask(JsonMasker m, String json, int segment) throws RecordException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        // embed at an offset, as the CLI's line reader does
        byte[] padded = new byte[b.length + 7];
        System.arraycopy(b, 0, padded, 3, b.length);
        Views v = m.mask(padded, 3, b.length);
        byte[] out = v.toBytes(segment);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }
}
