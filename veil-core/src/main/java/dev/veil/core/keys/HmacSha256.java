package dev.veil.core.keys;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** HMAC-SHA256 (Bouncy Castle) for shared secrets outside keysets, such as a webhook's signing secret. */
public final class HmacSha256 {
    private HmacSha256() {
    }

    /** The MAC of the concatenation of {@code parts} under {@code key}. */
    public static byte[] mac(byte[] key, byte[]... parts) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        for (byte[] p : parts) {
            mac.update(p, 0, p.length);
        }
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }
}
