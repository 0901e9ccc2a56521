package dev.veil.core.action;

/**
 * A compiled action for one class in one segment. Immutable and thread-safe.
 *
 * <p>Structural kinds ({@link Kind#DROP}, {@link Kind#DROP_RECORD}, {@link Kind#KEEP}, {@link Kind#NULLIFY})
 * are carried out by the codec; {@link Kind#REPLACE} actions compute a replacement with {@link #replace}.
 */
public interface Action {
    /** What the codec must do. */
    enum Kind { REPLACE, NULLIFY, DROP, DROP_RECORD, KEEP }

    Kind kind();

    /** The policy name of the action ({@code mask}, {@code hash}...), for summaries and explain. */
    String name();

    /** Whether {@link #replace} reads the value (redact does not, so the codec need not decode it). */
    default boolean needsValue() {
        return true;
    }

    /**
     * Writes the replacement of one value.
     *
     * @param text   the value as text (a JSON number's digits as written)
     * @param number whether the value was a number in its format
     */
    void replace(String text, boolean number, ValueOut out);
}
