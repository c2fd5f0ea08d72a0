package io.sluice.controller;

import io.sluice.metadata.PartitionImage;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Ends a reassignment (KIP-455) by settling a partition on one replica list: the target when it
 * completes, the original replicas when it is cancelled. The ISR keeps only members of that list, and
 * must keep one (callers refuse a change that would empty it); the leader stays if it is one of them,
 * else the first in-sync replica of the list that may lead ({@link PartitionLeadership#eligible}: unfenced,
 * not shutting down) leads, the list's order being the preference, else the partition has no leader
 * until one comes back.
 */
final class ReplicaSetChange {
    private ReplicaSetChange() {}

    static PartitionImage settleOn(PartitionImage partition, List<Integer> replicas, IntPredicate eligible) {
        List<Integer> isr = partition.isr().stream().filter(replicas::contains).toList();
        if (isr.isEmpty()) {
            throw new IllegalStateException("Settling partition " + partition.partition() + " on " + replicas
                    + " would empty its ISR " + partition.isr());
        }
        PartitionImage settled = new PartitionImage(partition.partition(), partition.leader(), partition.leaderEpoch(),
                replicas, isr, partition.partitionEpoch() + 1);
        int leader = isr.contains(partition.leader()) ? partition.leader()
                : PartitionLeadership.firstEligible(settled, isr, eligible).orElse(-1);
        int leaderEpoch = leader != partition.leader() ? partition.leaderEpoch() + 1 : partition.leaderEpoch();
        return new PartitionImage(partition.partition(), leader, leaderEpoch, replicas, isr,
                partition.partitionEpoch() + 1);
    }
}
