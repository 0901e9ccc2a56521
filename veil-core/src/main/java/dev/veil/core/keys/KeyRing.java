package dev.veil.core.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.core.policy.KeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads the keys a policy names (Tink keysets from files or environment variables) and hands out
 * primitives. The only place in Veil that touches key material.
 */
public final class KeyRing {
    static {
        try {
            PrfConfig.register();
            AeadConfig.register();
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<String, KeySpec> specs;
    private final Function<String, String> env;
    private final Map<String, KeysetHandle> loaded = new HashMap<>();

    /** The key id tokenize uses instead of each keyset's primary key, or null (reveal after a rotation). */
    private final Long pinnedKeyId;

    private KeyRing(Map<String, KeySpec> specs, Function<String, String> env, Long pinnedKeyId) {
        this.specs = specs;
        this.env = env;
        this.pinnedKeyId = pinnedKeyId;
    }

    /**
     * The same keys, with {@code tokenize} deriving its FF1 key from the keyset key {@code keyId} instead of the
     * primary: how tokens made before a rotation are revealed ({@code veil reveal --key-id}).
     */
    public KeyRing pinnedTo(long keyId) {
        return new KeyRing(specs, env, keyId);
    }

    /** A key ring over the policy's {@code keys:}, reading environment variables from the process. */
    public static KeyRing of(Map<String, KeySpec> specs) {
        return new KeyRing(specs, System::getenv, null);
    }

    /** As {@link #of(Map)}, with an explicit environment (tests, embedding). */
    public static KeyRing of(Map<String, KeySpec> specs, Function<String, String> env) {
        return new KeyRing(specs, env, null);
    }

    /** The HMAC-SHA256 PRF of the named keyset. */
    public synchronized KeyedHash keyedHash(String name) throws KeyException {
        KeysetHandle h = handle(name);
        final PrfSet prf;
        try {
            prf = h.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where(name) + "key '" + name + "' is not an HMAC-SHA256 PRF keyset (create one with"
                    + " 'veil keys create --type hmac-prf')");
        }
        final long id = h.getKeysetInfo().getPrimaryKeyId() & 0xffffffffL;
        return new KeyedHash() {
            @Override
            public byte[] hash(byte[] input) {
                try {
                    return prf.computePrimary(input, 32);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HMAC failed for key id " + id, e);
                }
            }

            @Override
            public long keyId() {
                return id;
            }
        };
    }

    /** AES-GCM (or any Tink AEAD) of the named keyset. */
    public synchronized Sealer sealer(String name) throws KeyException {
        KeysetHandle h = handle(name);
        final Aead aead;
        try {
            aead = h.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where(name) + "key '" + name + "' is not an AEAD keyset (create one with"
                    + " 'veil keys create --type aead')");
        }
        return new Sealer() {
            @Override
            public byte[] seal(byte[] plaintext, byte[] context) {
                try {
                    return aead.encrypt(plaintext, context);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("encryption failed", e);
                }
            }

            @Override
            public byte[] open(byte[] ciphertext, byte[] context) throws KeyException {
                try {
                    return aead.decrypt(ciphertext, context);
                } catch (GeneralSecurityException e) {
                    throw new KeyException("cannot decrypt: wrong key or tampered data");
                }
            }
        };
    }

    /**
     * FF1 under an AES-256 key derived from the named HMAC-SHA256 PRF keyset: the PRF of its primary key over a
     * fixed label (a one-block SP 800-108 KDF). Keeping the key in the PRF keyset means tokenize needs no extra
     * key type, and the FF1 key never exists on disk.
     */
    public synchronized Ff1 formatPreserving(String name) throws KeyException {
        KeysetHandle h = handle(name);
        final PrfSet prf;
        try {
            prf = h.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where(name) + "key '" + name + "' is not an HMAC-SHA256 PRF keyset; tokenize derives"
                    + " its FF1 key from one (create it with 'veil keys create --type hmac-prf')");
        }
        try {
            byte[] label = "veil-ff1-aes256-key:v1".getBytes(StandardCharsets.US_ASCII);
            if (pinnedKeyId != null) {
                com.google.crypto.tink.prf.Prf one = prf.getPrfs().get((int) pinnedKeyId.longValue());
                if (one == null) {
                    throw new KeyException(where(name) + "keyset '" + name + "' has no key " + pinnedKeyId
                            + " (see 'veil keys list')");
                }
                return new Ff1(one.compute(label, 32), pinnedKeyId);
            }
            byte[] k = prf.computePrimary(label, 32);
            return new Ff1(k, h.getKeysetInfo().getPrimaryKeyId() & 0xffffffffL);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where(name) + "cannot derive the FF1 key: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Deterministic authenticated encryption (AES-SIV) of the named keyset, as a {@link Sealer}: the same
     * plaintext and context always seal to the same ciphertext, so equal values stay joinable.
     */
    public synchronized Sealer deterministicSealer(String name) throws KeyException {
        KeysetHandle h = handle(name);
        final DeterministicAead daead;
        try {
            daead = h.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where(name) + "key '" + name + "' is not an AES-SIV keyset (create one with"
                    + " 'veil keys create --type aes-siv')");
        }
        return new Sealer() {
            @Override
            public byte[] seal(byte[] plaintext, byte[] context) {
                try {
                    return daead.encryptDeterministically(plaintext, context);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("encryption failed", e);
                }
            }

            @Override
            public byte[] open(byte[] ciphertext, byte[] context) throws KeyException {
                try {
                    return daead.decryptDeterministically(ciphertext, context);
                } catch (GeneralSecurityException e) {
                    throw new KeyException("cannot decrypt: wrong key or tampered data");
                }
            }
        };
    }

    private String where(String name) {
        KeySpec spec = specs.get(name);
        return spec == null ? "" : spec.location().file() + ":" + spec.location().line() + ":" + spec.location().column()
                + ": keys." + name + ": ";
    }

    public boolean has(String name) {
        return specs.containsKey(name);
    }

    private KeysetHandle handle(String name) throws KeyException {
        KeysetHandle h = loaded.get(name);
        if (h != null) {
            return h;
        }
        KeySpec spec = specs.get(name);
        if (spec == null) {
            throw new KeyException("no key '" + name + "' under keys:");
        }
        String where = where(name);
        String json;
        if (spec.keysetFile() != null) {
            try {
                json = Files.readString(spec.keysetFile(), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new KeyException(where + "keyset file " + spec.keysetFile()
                        + " does not exist (create one with 'veil keys create')");
            } catch (IOException e) {
                throw new KeyException(where + "cannot read keyset file " + spec.keysetFile()
                        + ": " + e.getClass().getSimpleName());
            }
        } else {
            json = env.apply(spec.envVariable());
            if (json == null || json.isBlank()) {
                throw new KeyException(where + "environment variable " + spec.envVariable()
                        + " is not set (it must hold a Tink JSON keyset)");
            }
        }
        if (isEncrypted(json)) {
            Aead master = MasterKeys.fromEnvironment(env);
            if (master == null) {
                throw new KeyException(where + "the keyset is encrypted; set " + MasterKeys.ENV
                        + " to its master key (file:PATH, env:VARIABLE or a KMS plugin's URI)");
            }
            try {
                h = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, master, MasterKeys.KEYSET_CONTEXT);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new KeyException(where + "cannot decrypt the keyset: wrong master key (" + MasterKeys.ENV
                        + ") or a damaged file");
            }
        } else {
            try {
                h = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new KeyException(where + "not a valid Tink JSON keyset");
            }
        }
        loaded.put(name, h);
        return h;
    }

    /** Whether a keyset file's JSON is an encrypted keyset (Tink's envelope format). */
    public static boolean isEncrypted(String json) {
        return json.contains("\"encryptedKeyset\"");
    }

    /** A keyset's JSON, encrypted under {@code master} when it is given, cleartext otherwise. */
    private static String serialize(KeysetHandle h, Aead master) throws GeneralSecurityException {
        return master == null ? TinkJsonProtoKeysetFormat.serializeKeyset(h, InsecureSecretKeyAccess.get())
                : TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(h, master, MasterKeys.KEYSET_CONTEXT);
    }

    private static KeysetHandle parse(String json, Aead master) throws KeyException {
        try {
            if (isEncrypted(json)) {
                if (master == null) {
                    throw new KeyException("the keyset is encrypted; set " + MasterKeys.ENV + " to its master key");
                }
                return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, master, MasterKeys.KEYSET_CONTEXT);
            }
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException("cannot read the keyset: not a Tink JSON keyset, or the wrong master key");
        }
    }

    /**
     * The keyset with a new key of its own type added as primary; the old keys stay for decryption and reveal. The
     * result is encrypted exactly when the input was (under {@code master}).
     */
    public static String rotate(String json, Aead master) throws KeyException {
        KeysetHandle h = parse(json, master);
        try {
            com.google.crypto.tink.Parameters params = h.getPrimary().getKey().getParameters();
            KeysetHandle rotated = KeysetHandle.newBuilder(h)
                    .addEntry(KeysetHandle.generateEntryFromParameters(params).withRandomId().makePrimary())
                    .build();
            return serialize(rotated, isEncrypted(json) ? master : null);
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot rotate the keyset: " + e.getClass().getSimpleName());
        }
    }

    /** One line per key: id, status, primary or not, type. Never key material. */
    public static java.util.List<String> describe(String json, Aead master) throws KeyException {
        KeysetHandle h = parse(json, master);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (com.google.crypto.tink.proto.KeysetInfo.KeyInfo k : h.getKeysetInfo().getKeyInfoList()) {
            String type = k.getTypeUrl().substring(k.getTypeUrl().lastIndexOf('.') + 1);
            out.add(String.format(java.util.Locale.ROOT, "%10d  %-8s %-8s %s", k.getKeyId() & 0xffffffffL,
                    k.getStatus().name().toLowerCase(java.util.Locale.ROOT),
                    k.getKeyId() == h.getKeysetInfo().getPrimaryKeyId() ? "primary" : "", type));
        }
        return out;
    }

    /** A new master key: a cleartext AES-256-GCM keyset, to be kept outside the repository (or in a KMS). */
    public static String newMasterKeyJson() throws KeyException {
        return newKeysetJson(KeyType.AEAD, null);
    }

    /** Kinds of keyset {@link #newKeysetJson} creates. */
    public enum KeyType { HMAC_PRF, AEAD, AES_SIV }

    /** A new cleartext Tink JSON keyset. Keep it out of version control and protect the file. */
    public static String newKeysetJson(KeyType type) throws KeyException {
        return newKeysetJson(type, null);
    }

    /** A new keyset, encrypted under {@code master} (envelope encryption) unless it is null. */
    public static String newKeysetJson(KeyType type, Aead master) throws KeyException {
        try {
            KeysetHandle h = KeysetHandle.generateNew(KeyTemplates.get(switch (type) {
                case HMAC_PRF -> "HMAC_SHA256_PRF";
                case AEAD -> "AES256_GCM";
                case AES_SIV -> "AES256_SIV";
            }));
            return serialize(h, master);
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot create a keyset: " + e.getClass().getSimpleName());
        }
    }
}
