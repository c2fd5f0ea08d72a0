package io.sluice.metadata;

import java.util.List;

/** One partition as the cluster metadata knows it: who leads, who replicates, who is in sync. */
public record PartitionImage(int partition, int leader, int leaderEpoch, List<Integer> replicas,
                             List<Integer> isr, int partitionEpoch) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
