package dev.veil.kafka;

/**
 * The record headers Veil writes. Every one starts with {@code veil-}; input headers with that prefix are removed
 * before Veil adds its own, so a consumer can trust them.
 */
public final class VeilHeaders {
    static final String PREFIX = "veil-";
    /** Short version (12 hex digits of the sha256) of the policy that masked the record. */
    public static final String POLICY = "veil-policy";
    /**
     * What was masked in this view: {@code CLASS:action:count} for each class found, comma-separated, empty when
     * nothing was found. Never a value.
     */
    public static final String SUMMARY = "veil-mask";
    /** Quarantine: why the record was refused ({@code INVALID_JSON}, {@code TOO_LARGE}...). */
    public static final String REASON = "veil-reason";
    /** Quarantine: the error, which never quotes the record. */
    public static final String ERROR = "veil-error";
    /** Quarantine: {@code topic/partition/offset} of the refused record. */
    public static final String SOURCE = "veil-source";
    /** Quarantine: how key and value are sealed ({@code aes-gcm:quarantine}) or {@code none} when not kept. */
    public static final String SEALED = "veil-sealed";
    /** Control topic: what a control record carries ({@code policy}). */
    public static final String KIND = "veil-kind";
    /** Control topic: who activated it. */
    public static final String ACTOR = "veil-actor";

    static final byte[] EMPTY = new byte[0];

    private VeilHeaders() {
    }
}
