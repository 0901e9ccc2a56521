package dev.veil.core.action;

/** The actions the codec carries out itself: nullify, drop, drop-record, keep. */
final class Structural implements Action {
    private final Kind kind;
    private final String name;

    Structural(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean needsValue() {
        return false;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        if (kind == Kind.NULLIFY) {
            out.nul();
            return;
        }
        throw new IllegalStateException(name + " has no replacement value");
    }
}
