package dev.veil.core.policy;

/**
 * Where the data subject's id is, what happens to records of subjects who opted out, and the key (an HMAC keyset)
 * that turns subject ids into the fingerprints consent and grants store instead of the ids.
 */
public record ConsentSpec(PathPattern subject, OnOptOut onOptOut, String key, Location location) {
    public enum OnOptOut { DROP_RECORD, REDACT_ALL }
}
