package dev.veil.core.action;

import dev.veil.core.keys.KeyException;

/** An action whose output a key holder can turn back into the input: {@code tokenize} and {@code encrypt}. */
public interface Reversible {
    /**
     * The original value of an output of this action.
     *
     * @throws KeyException when the text is not an output of this action under this key (wrong key, tampered,
     *                      or not a token at all); the message never quotes the text
     */
    String reveal(String output) throws KeyException;
}
