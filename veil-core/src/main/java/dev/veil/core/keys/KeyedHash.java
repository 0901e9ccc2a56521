package dev.veil.core.keys;

/** A keyed pseudorandom function (HMAC-SHA256). Thread-safe. */
public interface KeyedHash {
    /** The 32-byte HMAC-SHA256 of {@code input}. */
    byte[] hash(byte[] input);

    /** The keyset's primary key id, for audit and diagnostics. */
    long keyId();
}
