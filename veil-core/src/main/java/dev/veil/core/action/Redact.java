package dev.veil.core.action;

/** Replaces the value with a fixed placeholder. */
final class Redact implements Action {
    private final String placeholder;

    Redact(String placeholder) {
        this.placeholder = placeholder;
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public boolean needsValue() {
        return false;
    }

    @Override
    public String name() {
        return "redact";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        out.string(placeholder);
    }
}
