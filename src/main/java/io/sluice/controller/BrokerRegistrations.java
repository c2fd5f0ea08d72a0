package io.sluice.controller;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * BrokerRegistration (KIP-631): checks a broker's registration and turns it into the record that
 * registers it fenced; its first heartbeats unfence it once it has caught up. The broker epoch is the
 * offset that record lands at.
 */
final class BrokerRegistrations {
    private final BrokerHeartbeats heartbeats;

    BrokerRegistrations(BrokerHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    /** What to do with one registration: answer an epoch already given, or write a record. */
    sealed interface Decision {
        record AlreadyRegistered(long epoch) implements Decision {}

        record Register(MetadataRecord record) implements Decision {}
    }

    Decision register(MetadataImage image, BrokerRegistrationRequestData request, long nowMs) {
        if (!Objects.equals(image.clusterId(), request.clusterId())) {
            throw new InconsistentClusterIdException("Broker " + request.brokerId() + " belongs to cluster "
                    + request.clusterId() + ", this controller to " + image.clusterId());
        }
        BrokerImage existing = image.brokers().get(request.brokerId());
        if (existing != null && existing.incarnationId().equals(request.incarnationId())) {
            return new Decision.AlreadyRegistered(existing.epoch()); // a retry of the registration that won
        }
        // Another process with this id is alive (it heartbeats within its session): two brokers must never
        // share an id. A broker that crashed and restarted waits until its old session ends.
        if (existing != null && !existing.fenced() && heartbeats.heardAlive(existing.id(), existing.epoch(), nowMs)) {
            throw new DuplicateBrokerRegistrationException("Another broker is registered with id "
                    + request.brokerId() + " and its session has not expired yet");
        }
        List<BrokerEndpoint> endpoints = request.listeners().stream()
                .map(l -> new BrokerEndpoint(l.name(), l.host(), l.port(), SecurityProtocol.forId(l.securityProtocol()).name))
                .toList();
        return new Decision.Register(MetadataRecords.registerBroker(request.brokerId(), endpoints, request.rack(),
                request.incarnationId(), true));
    }
}
