package io.sluice.metadata;

import java.util.List;

/**
 * A voter of the metadata quorum as Kafka's tools see it: its id, its metadata directory id (a Kafka Uuid
 * string; the zero Uuid for a static quorum's voters) and where it listens (an empty listener name: the
 * controller listener of a static quorum, whose configuration names no listener).
 */
public record QuorumVoter(int id, String directoryId, List<BrokerEndpoint> endpoints) {
    public QuorumVoter {
        endpoints = List.copyOf(endpoints);
    }
}
