package io.sluice.metadata;

import java.util.List;

/**
 * One partition as the cluster metadata knows it: who leads, who replicates, who is in sync. While a
 * reassignment is in progress (KIP-455) {@code replicas} holds the target and the original replicas
 * together, {@code addingReplicas} those being added and {@code removingReplicas} those being removed;
 * both are empty otherwise.
 */
public record PartitionImage(int partition, int leader, int leaderEpoch, List<Integer> replicas,
                             List<Integer> isr, int partitionEpoch, List<Integer> addingReplicas,
                             List<Integer> removingReplicas) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition with no reassignment in progress. */
    public PartitionImage(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                          int partitionEpoch) {
        this(partition, leader, leaderEpoch, replicas, isr, partitionEpoch, List.of(), List.of());
    }

    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas once the reassignment completes: all of them but those being removed. */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** The replicas before the reassignment started: all of them but those being added. */
    public List<Integer> originalReplicas() {
        return replicas.stream().filter(r -> !addingReplicas.contains(r)).toList();
    }
}
