package dev.veil.core.policy;

/** One policy error: where it is and what to change. Never carries a data value. */
public record PolicyProblem(Location location, String message) {
    @Override
    public String toString() {
        return location.file() + ":" + location.line() + ":" + location.column() + ": " + location.key() + ": " + message;
    }
}
