package io.sluice.controller;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataBackend;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Brokers joining a controller under test the way real ones do: a registration, then a heartbeat that unfences. */
final class BrokersForTests {
    private BrokersForTests() {}

    static BrokerRegistrationRequestData registration(MetadataBackend backend, int id, List<BrokerEndpoint> endpoints,
                                                      String rack) {
        BrokerRegistrationRequestData request = new BrokerRegistrationRequestData().setBrokerId(id)
                .setClusterId(backend.image().clusterId()).setIncarnationId(Uuid.randomUuid()).setRack(rack);
        endpoints.forEach(e -> request.listeners().add(new BrokerRegistrationRequestData.Listener()
                .setName(e.listenerName()).setHost(e.host()).setPort(e.port())
                .setSecurityProtocol(SecurityProtocol.forName(e.securityProtocol()).id)));
        return request;
    }

    /** Registers the broker and unfences it with one heartbeat; returns its broker epoch. */
    static long registerUnfenced(Controller controller, MetadataBackend backend, int id, List<BrokerEndpoint> endpoints,
                                 String rack) throws Exception {
        BrokerRegistrationResponseData registered = controller.registerBroker(registration(backend, id, endpoints, rack))
                .get(10, TimeUnit.SECONDS);
        if (registered.errorCode() != Errors.NONE.code()) {
            throw Errors.forCode(registered.errorCode()).exception();
        }
        long epoch = registered.brokerEpoch();
        controller.brokerHeartbeat(new BrokerHeartbeatRequestData().setBrokerId(id).setBrokerEpoch(epoch)
                .setCurrentMetadataOffset(backend.image().offset())).get(10, TimeUnit.SECONDS);
        return epoch;
    }
}
