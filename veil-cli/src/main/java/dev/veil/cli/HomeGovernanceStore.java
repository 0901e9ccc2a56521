package dev.veil.cli;

import dev.veil.core.governance.GovernanceLedger;
import dev.veil.core.governance.GovernanceRecord;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.Identity;
import dev.veil.server.GovernanceStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's grant store is HOME's: its local store or control topic, its trust file, its identities. On Kafka,
 * policy activations go to the same control topic.
 */
final class HomeGovernanceStore implements GovernanceStore, dev.veil.server.PolicyPublisher {
    private final Home home;

    HomeGovernanceStore(Home home) {
        this.home = home;
    }

    @Override
    public GovernanceLedger ledger() throws Exception {
        return home.ledger();
    }

    @Override
    public void publish(GovernanceRecord record, String actor) throws Exception {
        home.publish(record, actor);
    }

    @Override
    public TrustStore trust() throws Exception {
        return home.trust();
    }

    @Override
    public Identity identity(String name) throws Exception {
        Path f = home.identityFile(name);
        return Files.exists(f) ? Identity.load(f) : null;
    }

    @Override
    public long publish(String yaml, String actor) throws Exception {
        if (!home.onKafka()) {
            throw new IllegalStateException("no control topic: HOME's store is local");
        }
        KafkaOptions k = home.kafka.options();
        return dev.veil.kafka.ControlPlane.publishPolicy(k.client(), k.controlTopic, yaml, actor);
    }

    @Override
    public String describe() {
        return home.storeName();
    }
}
