package io.sluice.metadata;

import java.util.List;
import java.util.Optional;

/** A registered broker: its advertised endpoints, rack and liveness. */
public record BrokerImage(int id, List<BrokerEndpoint> endpoints, String rack, boolean fenced) {
    public BrokerImage {
        endpoints = List.copyOf(endpoints);
    }

    public Optional<BrokerEndpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
