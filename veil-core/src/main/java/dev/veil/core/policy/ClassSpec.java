package dev.veil.core.policy;

import java.util.List;

/** A data class the policy defines: an RE2 pattern, an optional validator, context words and a base score. */
public record ClassSpec(String name, String pattern, Validator validator, List<String> context, double score,
                        Location location) {
    /** Checks a candidate match beyond the pattern. */
    public enum Validator { NONE, LUHN, MOD97 }
}
