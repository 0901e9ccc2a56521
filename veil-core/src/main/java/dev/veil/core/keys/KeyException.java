package dev.veil.core.keys;

/** A key that cannot be used: missing, unreadable, or of the wrong type. The message never holds key material. */
public final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyException(String message) {
        super(message);
    }
}
