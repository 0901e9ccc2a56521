package dev.veil.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRefsTest {
    @TempDir
    Path dir;

    @Test
    void readsFilesAndVariablesAndNeverEchoesTheSecret() throws Exception {
        Path f = Files.writeString(dir.resolve("s"), "  s3cret-value\n");
        assertThat(SecretRefs.read("file:" + f, k -> null, "webhook secret", "make one")).isEqualTo("s3cret-value");
        assertThat(SecretRefs.read("env:HOOK", Map.of("HOOK", "v4lue ")::get, "webhook secret", "make one")).isEqualTo("v4lue");
        assertThatThrownBy(() -> SecretRefs.read("file:" + dir.resolve("none"), k -> null, "webhook secret", "make one"))
                .hasMessage("webhook secret file " + dir.resolve("none") + " does not exist; make one");
        assertThatThrownBy(() -> SecretRefs.read("env:HOOK", Map.of("HOOK", " ")::get, "webhook secret", "make one"))
                .hasMessage("environment variable HOOK holding the webhook secret is not set; make one");
        assertThatThrownBy(() -> SecretRefs.read("s3cret-inline", k -> null, "webhook secret", "make one"))
                .hasMessageContaining("file:PATH or env:VARIABLE");
        assertThat(SecretRefs.builtIn("file:x")).isTrue();
        assertThat(SecretRefs.builtIn("aws-kms://x")).isFalse();
    }
}
