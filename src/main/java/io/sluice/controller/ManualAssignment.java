package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;

/** Checks a replica list that a client chose itself (CreateTopics/CreatePartitions assignments). */
final class ManualAssignment {
    private ManualAssignment() {}

    /** @param expectedReplicas the replication factor the list must have, or -1 to accept any */
    static void validate(MetadataImage image, int partition, List<Integer> replicas, int expectedReplicas) {
        if (replicas == null || replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment for partition "
                    + partition + " specifies no replicas.");
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment for partition "
                    + partition + " contains duplicate broker ids: " + replicas + ".");
        }
        if (expectedReplicas != -1 && replicas.size() != expectedReplicas) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment for partition "
                    + partition + " has " + replicas.size() + " replica(s), but the other partitions have "
                    + expectedReplicas + ".");
        }
        for (int broker : replicas) {
            if (!image.brokers().containsKey(broker)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + broker + ", but no such broker is registered.");
            }
        }
    }
}
