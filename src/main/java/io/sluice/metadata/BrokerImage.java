package io.sluice.metadata;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * A registered broker: its advertised endpoints, rack and liveness.
 *
 * @param epoch the broker epoch: the metadata offset of its registration (-1 when unknown). A
 *              restarted broker re-registers and gets a new one, so requests carrying the old
 *              epoch are recognisably stale.
 * @param incarnationId the id the broker process registered with, new on every start (zero when
 *                      unknown): a registration from another process with the same broker id differs
 */
public record BrokerImage(int id, List<BrokerEndpoint> endpoints, String rack, boolean fenced, long epoch,
                          Uuid incarnationId) {
    public BrokerImage {
        endpoints = List.copyOf(endpoints);
    }

    public BrokerImage(int id, List<BrokerEndpoint> endpoints, String rack, boolean fenced) {
        this(id, endpoints, rack, fenced, -1, Uuid.ZERO_UUID);
    }

    public Optional<BrokerEndpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }

    public BrokerImage withFenced(boolean nowFenced) {
        return new BrokerImage(id, endpoints, rack, nowFenced, epoch, incarnationId);
    }

    public BrokerImage withEpoch(long newEpoch) {
        return new BrokerImage(id, endpoints, rack, fenced, newEpoch, incarnationId);
    }
}
