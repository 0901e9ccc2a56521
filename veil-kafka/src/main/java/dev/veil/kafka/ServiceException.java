package dev.veil.kafka;

/** The service cannot start or cannot go on; the message says what to do. */
public final class ServiceException extends Exception {
    private static final long serialVersionUID = 1L;

    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
