package dev.veil.logging.logback;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.veil.logging.LogMasking;

/** An exception as the segment sees it: the same class name and frames, masked messages, down the cause chain. */
final class MaskedThrowableProxy implements IThrowableProxy {
    /** Causes and suppressed exceptions deeper than this are cut: a hostile chain cannot exhaust the stack. */
    private static final int MAX_DEPTH = 32;

    private final IThrowableProxy source;
    private final String message;
    private final String overriding;
    private final IThrowableProxy cause;
    private final IThrowableProxy[] suppressed;

    private MaskedThrowableProxy(IThrowableProxy source, LogMasking masking, int depth) throws LogMasking.Dropped {
        this.source = source;
        this.message = masking.text(source.getMessage());
        this.overriding = masking.text(source.getOverridingMessage());
        this.cause = of(source.getCause(), masking, depth + 1);
        IThrowableProxy[] s = source.getSuppressed();
        if (s == null || depth >= MAX_DEPTH) {
            this.suppressed = s == null ? null : new IThrowableProxy[0];
        } else {
            this.suppressed = new IThrowableProxy[s.length];
            for (int i = 0; i < s.length; i++) {
                suppressed[i] = of(s[i], masking, depth + 1);
            }
        }
    }

    static IThrowableProxy of(IThrowableProxy p, LogMasking masking, int depth) throws LogMasking.Dropped {
        return p == null || depth > MAX_DEPTH ? null : new MaskedThrowableProxy(p, masking, depth);
    }

    @Override
    public String getOverridingMessage() {
        return overriding;
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public String getClassName() {
        return source.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return source.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
        return source.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
        return cause;
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        return suppressed;
    }

    @Override
    public boolean isCyclic() {
        return source.isCyclic();
    }
}
