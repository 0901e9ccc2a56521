package dev.veil.core.keys;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Single AES blocks from the JDK's provider, presented as a Bouncy Castle {@link BlockCipher}, for Bouncy Castle's
 * FF1 engine: the JDK's AES runs on the CPU's AES instructions where Bouncy Castle's portable engine computes
 * tables in Java. Only the block cipher is swapped: the FF1 mode stays Bouncy Castle's, and the NIST SP 800-38G
 * sample vectors pin the result. Since {@link Ff1Long} takes every value whose halves fit a {@code long}, this
 * engine runs longer values only (and is the reference {@code Ff1LongTest} compares against). Not thread-safe,
 * like every engine.
 */
final class JceAes implements BlockCipher {
    private static final int BLOCK = 16;
    private Cipher cipher;

    @Override
    public void init(boolean forEncryption, CipherParameters params) {
        if (!(params instanceof KeyParameter k)) {
            throw new IllegalArgumentException("AES takes a key parameter");
        }
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(forEncryption ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(k.getKey(), "AES"));
            cipher = c;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES is not available: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String getAlgorithmName() {
        return "AES";
    }

    @Override
    public int getBlockSize() {
        return BLOCK;
    }

    @Override
    public int processBlock(byte[] in, int inOff, byte[] out, int outOff) {
        if (cipher == null) {
            throw new IllegalStateException("AES not initialised");
        }
        if (inOff + BLOCK > in.length || outOff + BLOCK > out.length) {
            throw new DataLengthException("a block is 16 bytes");
        }
        try {
            // ECB without padding: a whole block in, the same block out, no state carried between calls
            return cipher.update(in, inOff, BLOCK, out, outOff);
        } catch (ShortBufferException e) {
            throw new DataLengthException("output buffer too short");
        }
    }

    @Override
    public void reset() {
        // ECB keeps no state between blocks
    }
}
