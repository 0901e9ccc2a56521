package dev.veil.core.policy;

import java.time.Duration;
import java.util.List;

/** Limits on exemptions: longest life, two-person approval, and the segments that may be granted at all. */
public record GrantsSpec(Duration maxTtl, boolean twoPerson, List<String> segments, Location location) {
}
