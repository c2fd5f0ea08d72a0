package io.sluice.metadata;

import java.util.List;
import java.util.Optional;

/**
 * A registered broker: its advertised endpoints, rack and liveness.
 *
 * @param epoch the broker epoch: the metadata offset of its registration (-1 when unknown). A
 *              restarted broker re-registers and gets a new one, so requests carrying the old
 *              epoch are recognisably stale.
 */
public record BrokerImage(int id, List<BrokerEndpoint> endpoints, String rack, boolean fenced, long epoch) {
    public BrokerImage {
        endpoints = List.copyOf(endpoints);
    }

    public BrokerImage(int id, List<BrokerEndpoint> endpoints, String rack, boolean fenced) {
        this(id, endpoints, rack, fenced, -1);
    }

    public Optional<BrokerEndpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }

    public BrokerImage withFenced(boolean nowFenced) {
        return new BrokerImage(id, endpoints, rack, nowFenced, epoch);
    }
}
