package dev.veil.core.keys;

/** Authenticated encryption for data at rest (quarantine). Thread-safe. */
public interface Sealer {
    byte[] seal(byte[] plaintext, byte[] context);

    byte[] open(byte[] ciphertext, byte[] context) throws KeyException;
}
