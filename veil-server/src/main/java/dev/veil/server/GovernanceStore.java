package dev.veil.server;

import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;

/**
 * Where grants and consent changes live for the API: the same local store or Kafka control topic the
 * {@code veil grant} and {@code veil consent} commands use, so a change made in the console reaches every service
 * instance exactly as one made on the command line.
 */
public interface GovernanceStore {
    /** Every grant, approval, revocation and consent change, read now. */
    GovernanceLedger ledger() throws Exception;

    /** Stores one signed record. */
    void publish(GovernanceRecord record, String actor) throws Exception;

    /** Who may request, approve and revoke: identities and their roles. */
    TrustStore trust() throws Exception;

    /**
     * The signing identity of a principal of the same name, or null when this host holds none. Records are signed
     * with it, so instances verify a console action exactly as a command-line one.
     */
    Identity identity(String name) throws Exception;

    /** For messages: "local store FILE" or "control topic T on B". */
    String describe();
}
