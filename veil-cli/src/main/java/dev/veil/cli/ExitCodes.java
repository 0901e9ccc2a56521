package dev.veil.cli;

/** The exit codes of every {@code veil} command; documented in docs/operations.md. */
public final class ExitCodes {
    /** Done; every record was masked. */
    public static final int OK = 0;
    /** The policy (or a key it names) is invalid: nothing was processed. */
    public static final int INVALID_POLICY = 1;
    /** Wrong command line: unknown option, missing argument, conflicting options. */
    public static final int USAGE = 2;
    /** An input could not be read or an output could not be written. */
    public static final int IO = 3;
    /** Done, but one or more records were quarantined instead of masked. */
    public static final int QUARANTINED = 4;
    /** Kafka is unreachable, a port is taken, or the service stopped on an error ({@code run}, {@code up}, ...). */
    public static final int SERVICE = 5;
    /** {@code veil reveal}: one or more values could not be revealed (wrong key, tampered, not a token). */
    public static final int NOT_REVEALED = 6;
    /** {@code veil reveal}: refused, because no approved, active grant of the revealer covers the request. */
    public static final int REFUSED = 7;
    /** A bug in Veil; nothing unmasked was written. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
