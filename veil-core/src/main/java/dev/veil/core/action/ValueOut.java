package dev.veil.core.action;

/** Where an action writes a replacement; the codec decides how each kind is encoded in its format. */
public interface ValueOut {
    /** A text value. */
    void string(CharSequence s);

    /** A numeric value, written as a number where the format has numbers. */
    void number(CharSequence s);

    /** No value (JSON null). */
    void nul();
}
