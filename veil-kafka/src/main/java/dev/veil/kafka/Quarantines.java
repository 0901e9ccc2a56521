package dev.veil.kafka;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.Sealer;
import java.nio.charset.StandardCharsets;

/** The sealing of quarantined records: the associated data binds a sealed key or value to where it came from. */
public final class Quarantines {
    private Quarantines() {
    }

    /** Associated data for the {@code part} ("key" or "value") of the record at {@code source} (topic/partition/offset). */
    static byte[] context(String source, String part) {
        return ("veil-quarantine:" + source + ":" + part).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens a sealed quarantined key or value, for a key holder re-processing it.
     *
     * @throws KeyException when the key is wrong or the bytes or their coordinates were changed
     */
    public static byte[] open(Sealer sealer, byte[] sealed, String source, String part) throws KeyException {
        return sealer.open(sealed, context(source, part));
    }
}
