package dev.veil.core.action;

/**
 * Replacements as text, appended to a builder: for values inside text (spans) and formats whose replaced values
 * are strings. "No value" appends nothing, so a span replaced by null is removed from its text.
 */
public final class TextOut implements ValueOut {
    private final StringBuilder text;

    public TextOut(StringBuilder text) {
        this.text = text;
    }

    @Override
    public void string(CharSequence s) {
        text.append(s);
    }

    @Override
    public void number(CharSequence s) {
        text.append(s);
    }

    @Override
    public void nul() {
        // nothing: see the class comment
    }
}
