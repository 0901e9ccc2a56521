package dev.veil.core.keys;

import com.google.crypto.tink.Aead;

/**
 * Where the master key that encrypts keysets at rest comes from: a plugin point for cloud KMS. Providers are found
 * with {@link java.util.ServiceLoader} by the scheme of {@code VEIL_MASTER_KEY_URI} (for example a {@code gcp-kms:}
 * or {@code aws-kms:} provider built on Tink's KMS extensions); {@code file:} and {@code env:} are built in.
 */
public interface MasterKeyProvider {
    /** Whether this provider serves URIs of {@code scheme} (the part before the first colon). */
    boolean handles(String scheme);

    /**
     * The master AEAD for {@code uri}.
     *
     * @throws KeyException when the key cannot be reached; the message says what to check
     */
    Aead aead(String uri) throws KeyException;
}
