package dev.veil.server;

import io.javalin.security.RouteRole;
import java.util.Locale;

/**
 * What a principal may do on the API. Roles do not imply each other: a token carries every role it needs, so
 * each grant of power is explicit in the token file.
 */
public enum Role implements RouteRole {
    /** Reads the policy, grants, metrics and alerts; never a record. */
    VIEWER,
    /** Runs the pipeline: requests grants, changes consent, masks and detects for any segment. */
    OPERATOR,
    /** Validates, dry-runs and activates policies. */
    POLICY_ADMIN,
    /** Approves and revokes grants. */
    APPROVER,
    /** Reads and verifies the audit log. */
    AUDITOR,
    /** A service account: {@code /v1/mask} and {@code /v1/detect}, only for the segments its token names. */
    MASKER;

    /** The name used in token files, the CLI and docs: {@code policy-admin}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a role name such as {@code policy-admin}; null when there is no such role. */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.text().equals(text)) {
                return r;
            }
        }
        return null;
    }
}
