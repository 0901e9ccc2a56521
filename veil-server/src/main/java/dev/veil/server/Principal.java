package dev.veil.server;

import java.util.Set;

/**
 * Who a request acts for, once authenticated: a name for audit and rate limits, its roles, and for
 * {@link Role#MASKER} the segments whose views it may ask for (empty: none).
 *
 * @param via how it authenticated: {@code token}, {@code jwt} or {@code certificate}
 */
public record Principal(String name, Set<Role> roles, Set<String> segments, String via) {
    public Principal {
        roles = Set.copyOf(roles);
        segments = Set.copyOf(segments);
    }

    public boolean has(Role r) {
        return roles.contains(r);
    }

    /** Whether this principal may receive {@code segment}'s view: operators any, maskers those they were given. */
    public boolean maySee(String segment) {
        return has(Role.OPERATOR) || (has(Role.MASKER) && segments.contains(segment));
    }
}
