package dev.veil.kafka;

/** The service cannot start or cannot go on; the message says what to do. */
public final class ServiceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean policyProblem;

    public ServiceException(String message) {
        this(message, null, false);
    }

    public ServiceException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ServiceException(String message, Throwable cause, boolean policyProblem) {
        super(message, cause);
        this.policyProblem = policyProblem;
    }

    /** A failure caused by the policy (its text, a key it names, or what it compiles to), not by Kafka. */
    static ServiceException policy(String message, Throwable cause) {
        return new ServiceException(message, cause, true);
    }

    /** Whether fixing the policy, not the infrastructure, is what it takes. */
    public boolean policyProblem() {
        return policyProblem;
    }
}
