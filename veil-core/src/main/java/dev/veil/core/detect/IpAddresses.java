package dev.veil.core.detect;

/** Strict parsing of IP address text, shared by detection and the generalize action. */
public final class IpAddresses {
    private IpAddresses() {
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The four octets of a dotted IPv4 address, or null. */
    public static int[] ipv4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        int[] o = new int[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || !allDigits(p[i])) {
                return null;
            }
            o[i] = Integer.parseInt(p[i]);
            if (o[i] > 255) {
                return null;
            }
        }
        return o;
    }

    /** The eight 16-bit groups of an IPv6 address (compressed and IPv4-suffixed forms too), or null. */
    public static int[] ipv6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (s.length() > 45) {
            return null;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if ((dbl < 0 && total != 8) || (dbl >= 0 && total > 7)) {
            return null;
        }
        int[] w = new int[8];
        System.arraycopy(h, 0, w, 0, h.length);
        System.arraycopy(t, 0, w, 8 - t.length, t.length);
        return w;
    }

    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] p = s.split(":", -1);
        int extra = p[p.length - 1].indexOf('.') >= 0 ? 1 : 0;
        int[] out = new int[p.length + extra];
        for (int i = 0; i < p.length; i++) {
            if (i == p.length - 1 && extra == 1) {
                int[] v4 = ipv4(p[i]);
                if (v4 == null) {
                    return null;
                }
                out[i] = (v4[0] << 8) | v4[1];
                out[i + 1] = (v4[2] << 8) | v4[3];
                break;
            }
            if (p[i].isEmpty() || p[i].length() > 4) {
                return null;
            }
            try {
                out[i] = Integer.parseInt(p[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

}
