package io.sluice.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The immutable view of cluster metadata that every part of the broker reads. Both metadata
 * backends (Raft and ZooKeeper) produce it; nothing outside {@code metadata} knows which one runs.
 *
 * @param offset the position in the metadata log this image reflects (-1 when empty)
 * @param brokerConfigs the cluster-wide broker config overrides (Kafka's default resource "")
 * @param brokerConfigsById per-broker config overrides; they win over {@code brokerConfigs}
 * @param nextProducerId the first producer id not yet handed out in a block (0 when none was)
 */
public record MetadataImage(String clusterId, int controllerId, long offset,
                            SortedMap<String, TopicImage> topics, Map<Uuid, TopicImage> topicsById,
                            SortedMap<Integer, BrokerImage> brokers, Map<String, String> brokerConfigs,
                            SortedMap<Integer, Map<String, String>> brokerConfigsById,
                            long nextProducerId) {

    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(clusterId, -1, -1, new TreeMap<>(), Map.of(), new TreeMap<>(), Map.of());
    }

    public MetadataImage {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        topicsById = Map.copyOf(topicsById);
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        brokerConfigs = Map.copyOf(brokerConfigs);
        TreeMap<Integer, Map<String, String>> byId = new TreeMap<>();
        brokerConfigsById.forEach((id, configs) -> byId.put(id, Map.copyOf(configs)));
        brokerConfigsById = Collections.unmodifiableSortedMap(byId);
    }

    /** The original shape, kept for callers that predate per-broker configs and producer ids. */
    public MetadataImage(String clusterId, int controllerId, long offset,
                         SortedMap<String, TopicImage> topics, Map<Uuid, TopicImage> topicsById,
                         SortedMap<Integer, BrokerImage> brokers, Map<String, String> brokerConfigs) {
        this(clusterId, controllerId, offset, topics, topicsById, brokers, brokerConfigs, new TreeMap<>(), 0L);
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    /** The dynamic config overrides in force for one broker: cluster-wide ones, then its own on top. */
    public Map<String, String> brokerConfigs(int brokerId) {
        Map<String, String> merged = new HashMap<>(brokerConfigs);
        merged.putAll(brokerConfigsById.getOrDefault(brokerId, Map.of()));
        return Map.copyOf(merged);
    }

    /** The same metadata as seen with another active controller (the backend owns leadership). */
    public MetadataImage withControllerId(int newControllerId) {
        return new MetadataImage(clusterId, newControllerId, offset, topics, topicsById, brokers, brokerConfigs,
                brokerConfigsById, nextProducerId);
    }
}
