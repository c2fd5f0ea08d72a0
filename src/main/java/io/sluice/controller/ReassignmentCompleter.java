package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Finishes the reassignments whose target replicas are all in sync (KIP-455): the partition keeps only
 * its target replicas, the removed ones leave the ISR, and leadership moves if the leader was removed.
 * The controller runs this after every ISR change and reassignment, and periodically, so a completion
 * that a controller failover interrupted is still written.
 */
final class ReassignmentCompleter {
    private final BrokerHeartbeats heartbeats;

    ReassignmentCompleter(BrokerHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    List<MetadataRecord> completions(MetadataImage image) {
        IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                if (partition.isReassigning() && partition.isr().containsAll(partition.targetReplicas())) {
                    PartitionImage done = ReplicaSetChange.settleOn(partition, partition.targetReplicas(), eligible);
                    records.add(MetadataRecords.replicasChange(topic.id(), partition, done));
                }
            }
        }
        return records;
    }
}
