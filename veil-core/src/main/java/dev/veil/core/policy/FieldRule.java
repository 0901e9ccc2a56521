package dev.veil.core.policy;

/** A path rule: values at {@code path} are of class {@code dataClass} (possibly NONE). */
public record FieldRule(PathPattern path, DataClass dataClass, Location location) {
}
