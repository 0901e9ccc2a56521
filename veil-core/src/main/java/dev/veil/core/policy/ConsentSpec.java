package dev.veil.core.policy;

/** Where the data subject's id is and what happens to records of subjects who opted out. */
public record ConsentSpec(PathPattern subject, OnOptOut onOptOut, Location location) {
    public enum OnOptOut { DROP_RECORD, REDACT_ALL }
}
