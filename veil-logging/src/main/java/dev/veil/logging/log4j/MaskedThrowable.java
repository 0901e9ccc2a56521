package dev.veil.logging.log4j;

import dev.veil.logging.LogMasking;

/**
 * A copy of an exception as the segment sees it: the original's class name, frames and chain, with masked messages.
 * Renderers print it as the original would be printed ({@code java.lang.IllegalStateException: masked message}).
 */
final class MaskedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 32;

    private final String className;

    private MaskedThrowable(String className, String message, Throwable cause) {
        super(message, cause, true, true);
        this.className = className;
    }

    static Throwable of(Throwable t, LogMasking masking) throws LogMasking.Dropped {
        return of(t, masking, 0, new java.util.IdentityHashMap<>());
    }

    private static Throwable of(Throwable t, LogMasking masking, int depth,
                                java.util.IdentityHashMap<Throwable, Throwable> seen) throws LogMasking.Dropped {
        if (t == null || depth > MAX_DEPTH || seen.containsKey(t)) {
            return null; // a cycle or a hostile depth: the chain ends here
        }
        seen.put(t, t);
        String msg;
        try {
            msg = t.getMessage();
        } catch (RuntimeException e) {
            msg = "[veil: unprintable message]";
        }
        Throwable cause = of(t.getCause(), masking, depth + 1, seen);
        MaskedThrowable m = new MaskedThrowable(t.getClass().getName(), masking.text(msg), cause);
        m.setStackTrace(t.getStackTrace());
        for (Throwable s : t.getSuppressed()) {
            Throwable ms = of(s, masking, depth + 1, seen);
            if (ms != null) {
                m.addSuppressed(ms);
            }
        }
        return m;
    }

    /** The original exception's class name. */
    String originalClassName() {
        return className;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the frames are the original's, set after construction
    }

    @Override
    public String toString() {
        String m = getLocalizedMessage();
        return m != null ? className + ": " + m : className;
    }
}
