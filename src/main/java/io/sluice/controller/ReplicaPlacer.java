package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Chooses replicas for new partitions, as Kafka's classic assignment does: round-robin over the
 * unfenced brokers sorted by id, from a random start so that leaders of different topics do not
 * all pile onto the lowest ids, with followers shifted so a broker's partitions are spread over
 * many peers. When brokers have racks, the broker list alternates racks and followers skip racks
 * that already hold a replica, so a rack failure takes at most one replica while others remain.
 */
public final class ReplicaPlacer {
    private final Random random;

    public ReplicaPlacer(Random random) {
        this.random = random;
    }

    /**
     * Replicas for partitions {@code startPartition .. startPartition + count - 1}; the first
     * replica of each is its preferred leader.
     */
    public List<List<Integer>> place(Collection<BrokerImage> brokers, int startPartition, int count,
                                     int replicationFactor) {
        List<BrokerImage> live = brokers.stream().filter(b -> !b.fenced())
                .sorted(Comparator.comparingInt(BrokerImage::id)).toList();
        if (replicationFactor > live.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                    + " larger than available brokers: " + live.size() + ".");
        }
        boolean rackAware = live.stream().anyMatch(b -> b.rack() != null);
        List<BrokerImage> ordered = rackAware ? rackAlternated(live) : live;
        int n = ordered.size();
        long numRacks = ordered.stream().map(ReplicaPlacer::rackOf).distinct().count();
        int startIndex = random.nextInt(n);
        int replicaShift = random.nextInt(n);
        List<List<Integer>> result = new ArrayList<>(count);
        for (int partition = startPartition; partition < startPartition + count; partition++) {
            // Every full round over the brokers moves the followers one further away from the
            // leader, so the same leader/follower pairs do not repeat.
            if (partition > 0 && partition % n == 0) {
                replicaShift++;
            }
            int first = (partition + startIndex) % n;
            result.add(rackAware
                    ? rackAwareReplicas(ordered, first, replicaShift * (int) numRacks, (int) numRacks, replicationFactor)
                    : plainReplicas(ordered, first, replicaShift, replicationFactor));
        }
        return result;
    }

    private static List<Integer> plainReplicas(List<BrokerImage> brokers, int first, int shift, int rf) {
        List<Integer> replicas = new ArrayList<>(rf);
        replicas.add(brokers.get(first).id());
        for (int j = 0; j < rf - 1; j++) {
            replicas.add(brokers.get(followerIndex(first, shift, j, brokers.size())).id());
        }
        return replicas;
    }

    private static List<Integer> rackAwareReplicas(List<BrokerImage> brokers, int first, int shift, int numRacks,
                                                   int rf) {
        BrokerImage leader = brokers.get(first);
        List<Integer> replicas = new ArrayList<>(rf);
        Set<String> racksUsed = new HashSet<>();
        Set<Integer> brokersUsed = new HashSet<>();
        replicas.add(leader.id());
        racksUsed.add(rackOf(leader));
        brokersUsed.add(leader.id());
        int k = 0;
        while (replicas.size() < rf) {
            BrokerImage candidate = brokers.get(followerIndex(first, shift, k++, brokers.size()));
            // A rack is reused only once every rack holds a replica; a broker never twice.
            boolean rackOk = !racksUsed.contains(rackOf(candidate)) || racksUsed.size() == numRacks;
            if (rackOk && !brokersUsed.contains(candidate.id())) {
                replicas.add(candidate.id());
                racksUsed.add(rackOf(candidate));
                brokersUsed.add(candidate.id());
            }
        }
        return replicas;
    }

    private static int followerIndex(int first, int shift, int j, int n) {
        if (n == 1) {
            return first;
        }
        return (first + 1 + (shift + j) % (n - 1)) % n;
    }

    /** Brokers ordered by taking one from each rack in turn (racks and brokers in id order). */
    private static List<BrokerImage> rackAlternated(List<BrokerImage> brokers) {
        Map<String, List<BrokerImage>> byRack = new TreeMap<>();
        for (BrokerImage b : brokers) {
            byRack.computeIfAbsent(rackOf(b), r -> new ArrayList<>()).add(b);
        }
        List<Iterator<BrokerImage>> iterators = byRack.values().stream().map(List::iterator).toList();
        List<BrokerImage> result = new ArrayList<>(brokers.size());
        while (result.size() < brokers.size()) {
            for (Iterator<BrokerImage> it : iterators) {
                if (it.hasNext()) {
                    result.add(it.next());
                }
            }
        }
        return result;
    }

    // A broker without a rack counts as its own "no rack" group alongside the named racks.
    private static String rackOf(BrokerImage broker) {
        return Objects.requireNonNullElse(broker.rack(), "");
    }
}
