package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import java.util.List;

/**
 * Ends a reassignment (KIP-455) by settling a partition on one replica list: the target when it
 * completes, the original replicas when it is cancelled. The ISR keeps only members of that list; the
 * leader stays if it is one of them, else the first in-sync replica of the list on an unfenced broker
 * leads (the list's order is the preference), else the partition has no leader until one comes back.
 */
final class ReplicaSetChange {
    private ReplicaSetChange() {}

    static PartitionImage settleOn(MetadataImage image, PartitionImage partition, List<Integer> replicas) {
        List<Integer> isr = partition.isr().stream().filter(replicas::contains).toList();
        int leader = isr.contains(partition.leader()) ? partition.leader() : electFrom(image, replicas, isr);
        int leaderEpoch = leader != partition.leader() ? partition.leaderEpoch() + 1 : partition.leaderEpoch();
        return new PartitionImage(partition.partition(), leader, leaderEpoch, replicas, isr,
                partition.partitionEpoch() + 1);
    }

    private static int electFrom(MetadataImage image, List<Integer> replicas, List<Integer> isr) {
        for (int candidate : replicas) {
            BrokerImage broker = image.brokers().get(candidate);
            if (isr.contains(candidate) && broker != null && !broker.fenced()) {
                return candidate;
            }
        }
        return -1;
    }
}
