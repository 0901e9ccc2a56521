package dev.veil.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.MasterKeys;
import dev.veil.core.policy.ActionSpec;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.KeySpec;
import dev.veil.core.policy.Location;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keysets encrypted at rest under a master key, and a rotation scenario through the actions that use them. */
class KeyManagementTest {
    private static final String MASTER = keyset(() -> KeyRing.newMasterKeyJson());

    interface Maker {
        String make() throws KeyException;
    }

    private static String keyset(Maker m) {
        try {
            return m.make();
        } catch (KeyException e) {
            throw new AssertionError(e);
        }
    }

    /** A key ring whose 'default' keyset is {@code json}, with the master key in MASTER_JSON when given. */
    private static KeyRing ring(String json, String masterJson) {
        Map<String, String> env = masterJson == null ? Map.of("K", json)
                : Map.of("K", json, MasterKeys.ENV, "env:MASTER_JSON", "MASTER_JSON", masterJson);
        return KeyRing.of(Map.of("default", new KeySpec("default", null, "K", new Location("t", 1, 1, "keys.default"))),
                env::get);
    }

    private static com.google.crypto.tink.Aead master(String json) throws KeyException {
        return MasterKeys.fromEnvironment(Map.of(MasterKeys.ENV, "env:M", "M", json)::get);
    }

    @Test
    void anEncryptedKeysetNeedsItsMasterKeyAndWorksWithIt() throws Exception {
        String enc = KeyRing.newKeysetJson(KeyRing.KeyType.AEAD, master(MASTER));
        assertThat(enc).contains("encryptedKeyset").doesNotContain("\"value\"");
        Action e = Actions.compile(new ActionSpec.Encrypt("default", false, null), DataClass.EMAIL, ring(enc, MASTER));
        String out = ReversibleActionsTest.apply(e, "ann@example.com");
        assertThat(((Reversible) e).reveal(out)).isEqualTo("ann@example.com");

        assertThatThrownBy(() -> ring(enc, null).sealer("default")).isInstanceOf(KeyException.class)
                .hasMessageContaining("encrypted").hasMessageContaining(MasterKeys.ENV);
        assertThatThrownBy(() -> ring(enc, KeyRing.newMasterKeyJson()).sealer("default")).isInstanceOf(KeyException.class)
                .hasMessageContaining("wrong master key");
    }

    @Test
    void afterRotationOldCiphertextsStillRevealAndNewOnesUseTheNewKey() throws Exception {
        com.google.crypto.tink.Aead m = master(MASTER);
        String v1 = KeyRing.newKeysetJson(KeyRing.KeyType.AES_SIV, m);
        Action e1 = Actions.compile(new ActionSpec.Encrypt("default", true, null), DataClass.EMAIL, ring(v1, MASTER));
        String before = ReversibleActionsTest.apply(e1, "ann@example.com");

        String v2 = KeyRing.rotate(v1, m);
        assertThat(v2).contains("encryptedKeyset");
        assertThat(KeyRing.describe(v2, m)).hasSize(2).anySatisfy(l -> assertThat(l).contains("primary"));
        Action e2 = Actions.compile(new ActionSpec.Encrypt("default", true, null), DataClass.EMAIL, ring(v2, MASTER));
        String after = ReversibleActionsTest.apply(e2, "ann@example.com");
        assertThat(after).isNotEqualTo(before); // the new primary key encrypts
        assertThat(((Reversible) e2).reveal(before)).isEqualTo("ann@example.com"); // the old key still opens
        assertThat(((Reversible) e2).reveal(after)).isEqualTo("ann@example.com");
    }

    @Test
    void rotatingAHashOrTokenizeKeyChangesOutputsTheDocumentedMigration() throws Exception {
        String v1 = KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF);
        String v2 = KeyRing.rotate(v1, null);
        assertThat(v2).doesNotContain("encryptedKeyset");
        ActionSpec.Tokenize spec = new ActionSpec.Tokenize("default", ActionSpec.Tokenize.Alphabet.DIGITS, 4, true, null);
        Action t1 = Actions.compile(spec, DataClass.CREDIT_CARD, ring(v1, null));
        Action t2 = Actions.compile(spec, DataClass.CREDIT_CARD, ring(v2, null));
        String card = "4111 1111 1111 1111";
        assertThat(ReversibleActionsTest.apply(t2, card)).isNotEqualTo(ReversibleActionsTest.apply(t1, card));
        // Tokens made before the rotation still reveal, with the old key pinned.
        long oldId = Long.parseLong(KeyRing.describe(v1, null).get(0).trim().split("\\s+")[0]);
        Action pinned = Actions.compile(spec, DataClass.CREDIT_CARD, ring(v2, null).pinnedTo(oldId));
        assertThat(((Reversible) pinned).reveal(ReversibleActionsTest.apply(t1, card))).isEqualTo(card);
        assertThatThrownBy(() -> Actions.compile(spec, DataClass.CREDIT_CARD, ring(v2, null).pinnedTo(7)))
                .isInstanceOf(KeyException.class).hasMessageContaining("has no key 7");
        // The migration: reveal with the old keyset, tokenize with the new one.
        String old = ReversibleActionsTest.apply(t1, card);
        assertThat(ReversibleActionsTest.apply(t2, ((Reversible) t1).reveal(old))).isEqualTo(ReversibleActionsTest.apply(t2, card));
    }

    @Test
    void masterKeyErrorsSayWhatToFix() {
        assertThatThrownBy(() -> MasterKeys.fromEnvironment(Map.of(MasterKeys.ENV, "vault")::get))
                .hasMessageContaining("file:PATH, env:VARIABLE");
        assertThatThrownBy(() -> MasterKeys.fromEnvironment(Map.of(MasterKeys.ENV, "file:/nonexistent/m.json")::get))
                .hasMessageContaining("does not exist").hasMessageContaining("create-master");
        assertThatThrownBy(() -> MasterKeys.fromEnvironment(Map.of(MasterKeys.ENV, "gcp-kms://projects/x")::get))
                .hasMessageContaining("no master-key provider for 'gcp-kms:'");
    }
}
