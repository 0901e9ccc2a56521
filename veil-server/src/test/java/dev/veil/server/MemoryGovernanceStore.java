package dev.veil.server;

import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A grant store held in memory, with real signing identities and a real trust store: what HOME gives veil serve. */
final class MemoryGovernanceStore implements GovernanceStore {
    private final List<GovernanceRecord> records = new ArrayList<>();
    private final Map<String, Identity> identities = new ConcurrentHashMap<>();
    private volatile TrustStore trust = TrustStore.empty();

    /** Gives {@code name} a signing identity trusted in {@code roles} (operator, approver). */
    Identity person(String name, String... roles) throws Exception {
        Identity id = Identity.generate(name);
        identities.put(name, id);
        trust = trust.with(name, id.publicKeyText(), Set.of(roles));
        return id;
    }

    @Override
    public synchronized GovernanceLedger ledger() {
        GovernanceLedger l = new GovernanceLedger();
        records.forEach(l::add);
        return l;
    }

    @Override
    public synchronized void publish(GovernanceRecord record, String actor) {
        records.add(record);
    }

    synchronized int size() {
        return records.size();
    }

    @Override
    public TrustStore trust() {
        return trust;
    }

    @Override
    public Identity identity(String name) {
        return identities.get(name);
    }

    @Override
    public String describe() {
        return "memory";
    }
}
