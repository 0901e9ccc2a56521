package dev.veil.server;

/**
 * Where a policy activated through the API is published for the service instances: the control topic they follow.
 * Without one, an activation changes the server's own policy only.
 */
public interface PolicyPublisher {
    /**
     * Publishes {@code yaml} as the active policy, on behalf of {@code actor}.
     *
     * @return the position it was written at (the control topic offset), which the service's verdict names
     */
    long publish(String yaml, String actor) throws Exception;

    /** For answers and messages: "control topic T on B". */
    String describe();
}
