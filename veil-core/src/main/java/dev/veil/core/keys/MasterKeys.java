package dev.veil.core.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Resolves the master key named by the environment variable {@value #ENV}: {@code file:PATH} (a Tink AEAD keyset
 * file kept outside the repository), {@code env:VARIABLE} (the keyset JSON in a variable), or any scheme a
 * {@link MasterKeyProvider} plugin serves. Keysets encrypted under it are envelope-encrypted: the keyset's keys
 * never touch the disk in clear.
 */
public final class MasterKeys {
    /** The environment variable naming the master key. */
    public static final String ENV = "VEIL_MASTER_KEY_URI";
    /** Associated data binding an encrypted keyset to its purpose. */
    static final byte[] KEYSET_CONTEXT = "veil-keyset:v1".getBytes(StandardCharsets.US_ASCII);

    static {
        try {
            com.google.crypto.tink.aead.AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MasterKeys() {
    }

    /** The master AEAD of the environment, or null when {@value #ENV} is not set. */
    public static Aead fromEnvironment(Function<String, String> env) throws KeyException {
        String uri = env.apply(ENV);
        if (uri == null || uri.isBlank()) {
            return null;
        }
        return resolve(uri.trim(), env);
    }

    static Aead resolve(String uri, Function<String, String> env) throws KeyException {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new KeyException(ENV + " must be file:PATH, env:VARIABLE or a plugin's scheme:..., not '" + uri + "'");
        }
        String scheme = uri.substring(0, colon);
        if (SecretRefs.builtIn(uri)) {
            String where = scheme.equals("file") ? "master key file " + uri.substring(5)
                    : "environment variable " + uri.substring(4);
            return aeadOf(SecretRefs.read(uri, env, "master key (" + ENV + ")",
                    "create one with 'veil keys create-master --out FILE'"), where);
        }
        for (MasterKeyProvider p : ServiceLoader.load(MasterKeyProvider.class)) {
            if (p.handles(scheme)) {
                return p.aead(uri);
            }
        }
        throw new KeyException("no master-key provider for '" + scheme + ":' (" + ENV + "); built in are file:"
                + " and env:, others come from a MasterKeyProvider plugin on the class path");
    }

    private static Aead aeadOf(String json, String where) throws KeyException {
        try {
            KeysetHandle h = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return h.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException(where + " is not a Tink AEAD keyset");
        }
    }
}
