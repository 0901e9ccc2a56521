package dev.veil.core.codec;

import dev.veil.core.policy.DataClass;
import java.util.HashSet;
import java.util.Set;

/**
 * Reports each undeclared sensitive field once: a field no rule names whose name or content showed a class. The codecs
 * other than JSON share it; JSON lines keep their own allocation-free table. Not thread-safe.
 */
public final class DriftReports {
    /** Past this many distinct fields, new ones are not reported: a record stream cannot grow memory without bound. */
    static final int MAX_FIELDS = 10_000;

    private final JsonMasker.Drift listener;
    private final Set<String> seen = new HashSet<>();

    public DriftReports(JsonMasker.Drift listener) {
        this.listener = listener;
    }

    /** Tells the listener about {@code path} holding {@code cls}, the first time only. */
    public void report(String path, DataClass cls, boolean byName) {
        if (listener != null && seen.size() < MAX_FIELDS && seen.add(path + '\u0000' + cls.name())) {
            listener.undeclared(path, cls, byName);
        }
    }
}
