package io.sluice.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.proto.BrokerIdList;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.PartitionChangeRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataDeltaTest {
    private static final Uuid ID = Uuid.randomUuid();
    private final MetadataImage empty = MetadataImage.empty("cluster-1");

    @Test
    void replaysTopicsPartitionsConfigsBrokersAndProducerIds() {
        MetadataImage image = MetadataDelta.replay(empty, List.of(
                MetadataRecords.registerBroker(1, List.of(new BrokerEndpoint("PLAINTEXT", "h", 9092, "PLAINTEXT")),
                        "r1", Uuid.randomUuid(), false),
                MetadataRecords.topic("orders", ID),
                MetadataRecords.config(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
                MetadataRecords.partition(ID, new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0)),
                MetadataRecords.config(ConfigResourceType.BROKER, "", "log.retention.ms", "5"),
                MetadataRecords.config(ConfigResourceType.BROKER, "1", "log.retention.ms", "7"),
                MetadataRecords.producerIds(1, 1000)), 6);

        assertEquals(6, image.offset());
        TopicImage topic = image.topic("orders").orElseThrow();
        assertEquals(ID, topic.id());
        assertEquals(topic, image.topic(ID).orElseThrow());
        assertEquals(Map.of("retention.ms", "1000"), topic.configs());
        assertEquals(List.of(1), topic.partitions().get(0).replicas());
        assertEquals("r1", image.brokers().get(1).rack());
        assertEquals(9092, image.brokers().get(1).endpoint("PLAINTEXT").orElseThrow().port());
        assertEquals(Map.of("log.retention.ms", "5"), image.brokerConfigs());
        assertEquals(Map.of("log.retention.ms", "7"), image.brokerConfigs(1));
        assertEquals(Map.of("log.retention.ms", "5"), image.brokerConfigs(2));
        assertEquals(1000, image.nextProducerId());
        assertTrue(empty.topics().isEmpty(), "the base image is never modified");
    }

    @Test
    void partitionChangeBumpsPartitionEpochAlwaysAndLeaderEpochOnlyOnNewLeader() {
        MetadataImage image = MetadataDelta.replay(empty, List.of(
                MetadataRecords.topic("t", ID),
                MetadataRecords.partition(ID, new PartitionImage(0, 1, 0, List.of(1, 2), List.of(1, 2), 0))), 1);
        MetadataRecord shrinkIsr = MetadataRecord.newBuilder().setPartitionChange(PartitionChangeRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(ID)).setPartition(0).setIsr(BrokerIdList.newBuilder().addIds(1))).build();
        MetadataRecord newLeader = MetadataRecord.newBuilder().setPartitionChange(PartitionChangeRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(ID)).setPartition(0).setLeader(2)).build();

        PartitionImage afterIsr = MetadataDelta.replay(image, List.of(shrinkIsr), 2).topic(ID).orElseThrow()
                .partitions().get(0);
        assertEquals(new PartitionImage(0, 1, 0, List.of(1, 2), List.of(1), 1), afterIsr);
        PartitionImage afterLeader = MetadataDelta.replay(image, List.of(shrinkIsr, newLeader), 3).topic(ID)
                .orElseThrow().partitions().get(0);
        assertEquals(new PartitionImage(0, 2, 1, List.of(1, 2), List.of(1), 2), afterLeader);
    }

    @Test
    void removeTopicDropsItWithItsConfigsAndFenceAndUnregisterChangeBrokers() {
        MetadataImage image = MetadataDelta.replay(empty, List.of(
                MetadataRecords.registerBroker(1, List.of(), null, Uuid.randomUuid(), false),
                MetadataRecords.registerBroker(2, List.of(), null, Uuid.randomUuid(), false),
                MetadataRecords.topic("t", ID),
                MetadataRecords.config(ConfigResourceType.TOPIC, "t", "k", "v"),
                MetadataRecords.removeTopic(ID),
                MetadataRecords.topic("t", Uuid.randomUuid()),
                MetadataRecords.brokerFenceChange(1, true),
                MetadataRecords.unregisterBroker(2)), 7);

        assertTrue(image.topic("t").orElseThrow().configs().isEmpty());
        assertFalse(image.topic(ID).isPresent());
        assertTrue(image.brokers().get(1).fenced());
        assertNull(image.brokers().get(2));
    }

    @Test
    void recordsThatDoNotFitTheImageAreRefused() {
        MetadataImage withTopic = MetadataDelta.replay(empty, List.of(MetadataRecords.topic("t", ID)), 0);
        assertThrows(IllegalStateException.class, () -> MetadataDelta.replay(withTopic,
                List.of(MetadataRecords.topic("t", Uuid.randomUuid())), 1));
        assertThrows(IllegalStateException.class, () -> MetadataDelta.replay(empty,
                List.of(MetadataRecords.partition(ID, new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0))), 0));
        assertThrows(IllegalStateException.class, () -> MetadataDelta.replay(empty,
                List.of(MetadataRecords.config(ConfigResourceType.TOPIC, "nope", "k", "v")), 0));
        assertThrows(IllegalStateException.class, () -> MetadataDelta.replay(empty,
                List.of(MetadataRecords.producerIds(1, 10), MetadataRecords.producerIds(1, 10)), 1));
        assertThrows(IllegalStateException.class, () -> MetadataDelta.replay(empty,
                List.of(MetadataRecord.getDefaultInstance()), 0));
    }

    @Test
    void aReassignmentIsReplayedFromReplicaChangesAndSurvivesASnapshotOfTheImage() {
        MetadataImage image = MetadataDelta.replay(empty, List.of(
                MetadataRecords.topic("t", ID),
                MetadataRecords.partition(ID, new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0))), 1);
        PartitionImage before = image.topic(ID).orElseThrow().partitions().get(0);
        PartitionImage moving = new PartitionImage(0, 1, 0, List.of(2, 1), List.of(1), 1, List.of(2), List.of(1));
        MetadataImage started = MetadataDelta.replay(image, List.of(MetadataRecords.replicasChange(ID, before, moving)), 2);
        PartitionImage ongoing = started.topic(ID).orElseThrow().partitions().get(0);
        assertEquals(moving, ongoing);
        assertEquals(List.of(2), ongoing.targetReplicas());
        assertEquals(List.of(1), ongoing.originalReplicas());

        // A change that does not name the lists (an ISR change) keeps the reassignment going.
        MetadataRecord isr = MetadataRecords.partitionChange(ID, 0, null, List.of(1, 2));
        PartitionImage caughtUp = MetadataDelta.replay(started, List.of(isr), 3).topic(ID).orElseThrow().partitions().get(0);
        assertEquals(List.of(2), caughtUp.addingReplicas());

        // The full-state record (what a snapshot holds) keeps the lists too.
        MetadataImage fromSnapshot = MetadataDelta.replay(MetadataDelta.replay(empty,
                List.of(MetadataRecords.topic("t", ID)), 0), List.of(MetadataRecords.partition(ID, caughtUp)), 1);
        assertEquals(caughtUp, fromSnapshot.topic(ID).orElseThrow().partitions().get(0));

        PartitionImage done = new PartitionImage(0, 2, 1, List.of(2), List.of(2), 3);
        PartitionImage completed = MetadataDelta.replay(started, List.of(isr, MetadataRecords.replicasChange(ID, caughtUp, done)),
                4).topic(ID).orElseThrow().partitions().get(0);
        assertEquals(done, completed);
        assertFalse(completed.isReassigning());
    }

    @Test
    void partitionRecordsWrittenBeforeReassignmentsReplayWithNoneInProgress() throws Exception {
        // A PartitionRecord as an older version wrote it: fields 1-7 only.
        byte[] old = MetadataRecord.newBuilder().setPartition(io.sluice.metadata.proto.PartitionRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(ID)).setPartition(0).addReplicas(1).addIsr(1).setLeader(1)).build().toByteArray();
        MetadataImage image = MetadataDelta.replay(empty, List.of(MetadataRecords.topic("t", ID),
                MetadataRecord.parseFrom(old)), 1);
        assertEquals(new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0), image.topic(ID).orElseThrow().partitions().get(0));
    }
}
