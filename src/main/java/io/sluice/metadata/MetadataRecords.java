package io.sluice.metadata;

import io.sluice.metadata.proto.BrokerEndpointRecord;
import io.sluice.metadata.proto.BrokerIdList;
import io.sluice.metadata.proto.PartitionChangeRecord;
import io.sluice.metadata.proto.BrokerFenceChangeRecord;
import io.sluice.metadata.proto.ConfigRecord;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.PartitionRecord;
import io.sluice.metadata.proto.ProducerIdsRecord;
import io.sluice.metadata.proto.RegisterBrokerRecord;
import io.sluice.metadata.proto.RemoveTopicRecord;
import io.sluice.metadata.proto.TopicRecord;
import io.sluice.metadata.proto.UnregisterBrokerRecord;
import java.util.List;
import org.apache.kafka.common.Uuid;

/** Builds metadata records from domain values, so writers never touch protobuf builders directly. */
public final class MetadataRecords {
    /** ConfigRecord resource name of the cluster-wide broker config (Kafka's default resource). */
    public static final String CLUSTER_DEFAULT_BROKER = "";

    private MetadataRecords() {}

    public static MetadataRecord topic(String name, Uuid id) {
        return MetadataRecord.newBuilder()
                .setTopic(TopicRecord.newBuilder().setName(name).setTopicId(ProtoIds.toProto(id)))
                .build();
    }

    public static MetadataRecord partition(Uuid topicId, PartitionImage p) {
        return MetadataRecord.newBuilder()
                .setPartition(PartitionRecord.newBuilder()
                        .setTopicId(ProtoIds.toProto(topicId))
                        .setPartition(p.partition())
                        .addAllReplicas(p.replicas())
                        .addAllIsr(p.isr())
                        .setLeader(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .setPartitionEpoch(p.partitionEpoch())
                        .addAllAddingReplicas(p.addingReplicas())
                        .addAllRemovingReplicas(p.removingReplicas()))
                .build();
    }

    public static MetadataRecord removeTopic(Uuid topicId) {
        return MetadataRecord.newBuilder()
                .setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId(ProtoIds.toProto(topicId)))
                .build();
    }

    /** A config override; a null value deletes it. */
    public static MetadataRecord config(ConfigResourceType type, String resourceName, String key, String value) {
        ConfigRecord.Builder config = ConfigRecord.newBuilder()
                .setResourceType(type).setResourceName(resourceName).setKey(key);
        if (value != null) {
            config.setValue(value);
        }
        return MetadataRecord.newBuilder().setConfig(config).build();
    }

    public static MetadataRecord registerBroker(int id, List<BrokerEndpoint> endpoints, String rack,
                                                Uuid incarnationId, boolean fenced) {
        return MetadataRecord.newBuilder()
                .setRegisterBroker(registration(id, endpoints, rack, incarnationId, fenced)).build();
    }

    /** A registration that keeps a known broker epoch (snapshots: the epoch is not the snapshot's offset). */
    public static MetadataRecord registerBroker(BrokerImage broker) {
        RegisterBrokerRecord.Builder registration = registration(broker.id(), broker.endpoints(), broker.rack(),
                broker.incarnationId(), broker.fenced());
        if (broker.epoch() >= 0) {
            registration.setBrokerEpoch(broker.epoch());
        }
        return MetadataRecord.newBuilder().setRegisterBroker(registration).build();
    }

    private static RegisterBrokerRecord.Builder registration(int id, List<BrokerEndpoint> endpoints, String rack,
                                                             Uuid incarnationId, boolean fenced) {
        RegisterBrokerRecord.Builder broker = RegisterBrokerRecord.newBuilder()
                .setBrokerId(id).setIncarnationId(ProtoIds.toProto(incarnationId)).setFenced(fenced);
        for (BrokerEndpoint e : endpoints) {
            broker.addEndpoints(BrokerEndpointRecord.newBuilder()
                    .setListenerName(e.listenerName()).setHost(e.host()).setPort(e.port())
                    .setSecurityProtocol(e.securityProtocol()));
        }
        if (rack != null) {
            broker.setRack(rack);
        }
        return broker;
    }

    public static MetadataRecord unregisterBroker(int id) {
        return MetadataRecord.newBuilder()
                .setUnregisterBroker(UnregisterBrokerRecord.newBuilder().setBrokerId(id))
                .build();
    }

    /** A leader and/or ISR change of one partition; a null leader or isr leaves that part unchanged. */
    public static MetadataRecord partitionChange(Uuid topicId, int partition, Integer leader, List<Integer> isr) {
        PartitionChangeRecord.Builder change = PartitionChangeRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(topicId)).setPartition(partition);
        if (leader != null) {
            change.setLeader(leader);
        }
        if (isr != null) {
            change.setIsr(BrokerIdList.newBuilder().addAllIds(isr));
        }
        return MetadataRecord.newBuilder().setPartitionChange(change).build();
    }

    /**
     * A change of a partition's replica set (a reassignment starting, completing or cancelled): the
     * replicas and the adding and removing lists as {@code after} has them, and its leader and ISR where
     * they differ from {@code before}. Epochs are not written: replay derives them.
     */
    public static MetadataRecord replicasChange(Uuid topicId, PartitionImage before, PartitionImage after) {
        PartitionChangeRecord.Builder change = PartitionChangeRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(topicId)).setPartition(after.partition())
                .setReplicas(BrokerIdList.newBuilder().addAllIds(after.replicas()))
                .setAddingReplicas(BrokerIdList.newBuilder().addAllIds(after.addingReplicas()))
                .setRemovingReplicas(BrokerIdList.newBuilder().addAllIds(after.removingReplicas()));
        if (after.leader() != before.leader()) {
            change.setLeader(after.leader());
        }
        if (!after.isr().equals(before.isr())) {
            change.setIsr(BrokerIdList.newBuilder().addAllIds(after.isr()));
        }
        return MetadataRecord.newBuilder().setPartitionChange(change).build();
    }

    public static MetadataRecord brokerFenceChange(int id, boolean fenced) {
        return MetadataRecord.newBuilder()
                .setBrokerFenceChange(BrokerFenceChangeRecord.newBuilder().setBrokerId(id).setFenced(fenced))
                .build();
    }

    public static MetadataRecord producerIds(int brokerId, long nextProducerId) {
        return MetadataRecord.newBuilder()
                .setProducerIds(ProducerIdsRecord.newBuilder().setBrokerId(brokerId).setNextProducerId(nextProducerId))
                .build();
    }
}
