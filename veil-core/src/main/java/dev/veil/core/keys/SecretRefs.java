package dev.veil.core.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Secrets named by reference, never written inline: {@code file:PATH} (read from a file kept outside the
 * repository) or {@code env:VARIABLE}. The master key and the webhook secret are named this way.
 */
public final class SecretRefs {
    private SecretRefs() {
    }

    /** Whether {@code ref} is one of the built-in schemes ({@code file:} or {@code env:}). */
    public static boolean builtIn(String ref) {
        return ref.startsWith("file:") || ref.startsWith("env:");
    }

    /**
     * The text {@code ref} names, trimmed.
     *
     * @param what   what the secret is, for messages ("master key", "webhook secret")
     * @param create how to make one, appended to "does not exist" and "is not set" messages
     * @throws KeyException when the reference is not {@code file:} or {@code env:}, the file cannot be read or the
     *                      variable is unset; messages name the file or variable, never the secret
     */
    public static String read(String ref, Function<String, String> env, String what, String create) throws KeyException {
        if (ref.startsWith("file:")) {
            String file = ref.substring(5);
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new KeyException(what + " file " + file + " does not exist; " + create);
            } catch (IOException e) {
                throw new KeyException("cannot read " + what + " file " + file + ": " + e.getClass().getSimpleName());
            }
        }
        if (ref.startsWith("env:")) {
            String v = env.apply(ref.substring(4));
            if (v == null || v.isBlank()) {
                throw new KeyException("environment variable " + ref.substring(4) + " holding the " + what
                        + " is not set; " + create);
            }
            return v.strip();
        }
        throw new KeyException("the " + what + " is named file:PATH or env:VARIABLE, not '" + ref + "'");
    }
}
