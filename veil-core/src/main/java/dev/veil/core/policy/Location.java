package dev.veil.core.policy;

/** Where something was declared: file, 1-based line and column, and the dotted key path. */
public record Location(String file, int line, int column, String key) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + key;
    }
}
