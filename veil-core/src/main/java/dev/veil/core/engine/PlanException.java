package dev.veil.core.engine;

/** A policy that validated but cannot run here: a key is missing, a segment is unknown. */
public final class PlanException extends Exception {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }
}
