package io.sluice.metadata;

import java.util.Collections;
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
 */
public record MetadataImage(String clusterId, int controllerId, long offset,
                            SortedMap<String, TopicImage> topics, Map<Uuid, TopicImage> topicsById,
                            SortedMap<Integer, BrokerImage> brokers, Map<String, String> brokerConfigs) {

    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(clusterId, -1, -1, new TreeMap<>(), Map.of(), new TreeMap<>(), Map.of());
    }

    public MetadataImage {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        topicsById = Map.copyOf(topicsById);
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        brokerConfigs = Map.copyOf(brokerConfigs);
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }
}
