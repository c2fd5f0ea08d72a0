package io.sluice.metadata;

import io.sluice.metadata.proto.BrokerEndpointRecord;
import io.sluice.metadata.proto.BrokerFenceChangeRecord;
import io.sluice.metadata.proto.ConfigRecord;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.PartitionChangeRecord;
import io.sluice.metadata.proto.PartitionRecord;
import io.sluice.metadata.proto.ProducerIdsRecord;
import io.sluice.metadata.proto.RegisterBrokerRecord;
import io.sluice.metadata.proto.TopicRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * Replays metadata records onto an image and yields the next immutable image. Every backend
 * (single voter, Raft quorum, ZooKeeper) goes through this one class, so the same records always
 * give the same image whichever log they came from.
 *
 * <p>A record that does not fit the image (a partition of an unknown topic, a duplicate topic
 * name, ...) throws {@link IllegalStateException}. Backends replay a batch before making it
 * durable, so a batch that would not replay is refused rather than written.
 *
 * <p>Not thread-safe: one delta belongs to one thread, and is thrown away after {@link #apply}.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    private final TreeMap<String, TopicImage> topics;
    private final Map<Uuid, String> topicNamesById = new HashMap<>();
    private final TreeMap<Integer, BrokerImage> brokers;
    private final Map<String, String> clusterBrokerConfigs;
    private final TreeMap<Integer, Map<String, String>> brokerConfigsById;
    private long nextProducerId;
    /** Brokers registered by this delta without an explicit epoch: their epoch is the offset of {@link #apply}. */
    private final java.util.Set<Integer> registeredAtThisOffset = new java.util.HashSet<>();

    public MetadataDelta(MetadataImage base) {
        this.base = base;
        this.topics = new TreeMap<>(base.topics());
        base.topics().values().forEach(t -> topicNamesById.put(t.id(), t.name()));
        this.brokers = new TreeMap<>(base.brokers());
        this.clusterBrokerConfigs = new HashMap<>(base.brokerConfigs());
        this.brokerConfigsById = new TreeMap<>(base.brokerConfigsById());
        this.nextProducerId = base.nextProducerId();
    }

    /** Replays the records in order onto {@code base} and returns the image at {@code lastOffset}. */
    public static MetadataImage replay(MetadataImage base, List<MetadataRecord> records, long lastOffset) {
        MetadataDelta delta = new MetadataDelta(base);
        records.forEach(delta::replay);
        return delta.apply(lastOffset);
    }

    public void replay(MetadataRecord record) {
        switch (record.getRecordCase()) {
            case TOPIC -> replayTopic(record.getTopic());
            case PARTITION -> replayPartition(record.getPartition());
            case PARTITION_CHANGE -> replayPartitionChange(record.getPartitionChange());
            case REMOVE_TOPIC -> {
                Uuid id = ProtoIds.fromProto(record.getRemoveTopic().getTopicId());
                topics.remove(requireTopicName(id));
                topicNamesById.remove(id);
            }
            case CONFIG -> replayConfig(record.getConfig());
            case REGISTER_BROKER -> replayRegisterBroker(record.getRegisterBroker());
            case UNREGISTER_BROKER -> {
                requireBroker(record.getUnregisterBroker().getBrokerId());
                brokers.remove(record.getUnregisterBroker().getBrokerId());
                registeredAtThisOffset.remove(record.getUnregisterBroker().getBrokerId());
            }
            case BROKER_FENCE_CHANGE -> replayFenceChange(record.getBrokerFenceChange());
            case PRODUCER_IDS -> replayProducerIds(record.getProducerIds());
            case RECORD_NOT_SET -> throw new IllegalStateException(
                    "Metadata record without a known record type (written by a newer version?): " + record);
        }
    }

    /** The image after every replayed record, positioned at {@code offset}. */
    public MetadataImage apply(long offset) {
        Map<Uuid, TopicImage> byId = new HashMap<>();
        topics.values().forEach(t -> byId.put(t.id(), t));
        for (int id : registeredAtThisOffset) {
            brokers.put(id, brokers.get(id).withEpoch(offset));
        }
        return new MetadataImage(base.clusterId(), base.controllerId(), offset, topics, byId, brokers,
                clusterBrokerConfigs, brokerConfigsById, nextProducerId);
    }

    private void replayTopic(TopicRecord r) {
        Uuid id = ProtoIds.fromProto(r.getTopicId());
        if (topics.containsKey(r.getName()) || topicNamesById.containsKey(id)) {
            throw new IllegalStateException("Topic " + r.getName() + " (" + id + ") already exists");
        }
        topics.put(r.getName(), new TopicImage(r.getName(), id, new TreeMap<>(), Map.of()));
        topicNamesById.put(id, r.getName());
    }

    private void replayPartition(PartitionRecord r) {
        TopicImage topic = topics.get(requireTopicName(ProtoIds.fromProto(r.getTopicId())));
        putPartition(topic, new PartitionImage(r.getPartition(), r.getLeader(), r.getLeaderEpoch(),
                r.getReplicasList(), r.getIsrList(), r.getPartitionEpoch(), r.getAddingReplicasList(),
                r.getRemovingReplicasList()));
    }

    private void replayPartitionChange(PartitionChangeRecord r) {
        Uuid id = ProtoIds.fromProto(r.getTopicId());
        TopicImage topic = topics.get(requireTopicName(id));
        PartitionImage old = topic.partitions().get(r.getPartition());
        if (old == null) {
            throw new IllegalStateException("Change to unknown partition " + r.getPartition() + " of topic " + id);
        }
        int leader = r.hasLeader() ? r.getLeader() : old.leader();
        putPartition(topic, new PartitionImage(old.partition(), leader,
                leader != old.leader() ? old.leaderEpoch() + 1 : old.leaderEpoch(),
                r.hasReplicas() ? r.getReplicas().getIdsList() : old.replicas(),
                r.hasIsr() ? r.getIsr().getIdsList() : old.isr(),
                old.partitionEpoch() + 1,
                r.hasAddingReplicas() ? r.getAddingReplicas().getIdsList() : old.addingReplicas(),
                r.hasRemovingReplicas() ? r.getRemovingReplicas().getIdsList() : old.removingReplicas()));
    }

    private void putPartition(TopicImage topic, PartitionImage partition) {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>(topic.partitions());
        partitions.put(partition.partition(), partition);
        topics.put(topic.name(), new TopicImage(topic.name(), topic.id(), partitions, topic.configs()));
    }

    private void replayConfig(ConfigRecord r) {
        String value = r.hasValue() ? r.getValue() : null;
        switch (r.getResourceType()) {
            case TOPIC -> {
                TopicImage topic = topics.get(r.getResourceName());
                if (topic == null) {
                    throw new IllegalStateException("Config for unknown topic " + r.getResourceName());
                }
                topics.put(topic.name(), new TopicImage(topic.name(), topic.id(), topic.partitions(),
                        withOverride(topic.configs(), r.getKey(), value)));
            }
            case BROKER -> {
                if (r.getResourceName().equals(MetadataRecords.CLUSTER_DEFAULT_BROKER)) {
                    putOrRemove(clusterBrokerConfigs, r.getKey(), value);
                } else {
                    int brokerId = parseBrokerId(r.getResourceName());
                    Map<String, String> configs = withOverride(
                            brokerConfigsById.getOrDefault(brokerId, Map.of()), r.getKey(), value);
                    if (configs.isEmpty()) {
                        brokerConfigsById.remove(brokerId);
                    } else {
                        brokerConfigsById.put(brokerId, configs);
                    }
                }
            }
            default -> throw new IllegalStateException("Config record with unknown resource type: " + r);
        }
    }

    private static Map<String, String> withOverride(Map<String, String> configs, String key, String value) {
        Map<String, String> copy = new HashMap<>(configs);
        putOrRemove(copy, key, value);
        return copy;
    }

    private static void putOrRemove(Map<String, String> configs, String key, String value) {
        if (value == null) {
            configs.remove(key);
        } else {
            configs.put(key, value);
        }
    }

    private static int parseBrokerId(String resourceName) {
        try {
            return Integer.parseInt(resourceName);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Broker config record for invalid broker name '" + resourceName + "'");
        }
    }

    private void replayRegisterBroker(RegisterBrokerRecord r) {
        List<BrokerEndpoint> endpoints = r.getEndpointsList().stream()
                .map(MetadataDelta::endpoint)
                .toList();
        brokers.put(r.getBrokerId(), new BrokerImage(r.getBrokerId(), endpoints,
                r.hasRack() ? r.getRack() : null, r.getFenced(), r.hasBrokerEpoch() ? r.getBrokerEpoch() : -1,
                ProtoIds.fromProto(r.getIncarnationId())));
        if (r.hasBrokerEpoch()) {
            registeredAtThisOffset.remove(r.getBrokerId());
        } else {
            registeredAtThisOffset.add(r.getBrokerId());
        }
    }

    private static BrokerEndpoint endpoint(BrokerEndpointRecord e) {
        return new BrokerEndpoint(e.getListenerName(), e.getHost(), e.getPort(), e.getSecurityProtocol());
    }

    private void replayFenceChange(BrokerFenceChangeRecord r) {
        BrokerImage b = requireBroker(r.getBrokerId());
        brokers.put(b.id(), b.withFenced(r.getFenced()));
    }

    private void replayProducerIds(ProducerIdsRecord r) {
        // Handing out an id twice would merge two producers' sequences: refuse any step backwards.
        if (r.getNextProducerId() <= nextProducerId) {
            throw new IllegalStateException("Producer id block ending at " + r.getNextProducerId()
                    + " does not advance past " + nextProducerId);
        }
        nextProducerId = r.getNextProducerId();
    }

    private String requireTopicName(Uuid id) {
        String name = topicNamesById.get(id);
        if (name == null) {
            throw new IllegalStateException("Record for unknown topic id " + id);
        }
        return name;
    }

    private BrokerImage requireBroker(int id) {
        BrokerImage broker = brokers.get(id);
        if (broker == null) {
            throw new IllegalStateException("Record for unregistered broker " + id);
        }
        return broker;
    }
}
