package io.sluice.coordinator.group;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor (KIP-848): given who subscribes to which topics, how many partitions each
 * topic has, and the previous target, it decides every member's target assignment. Pure: no state,
 * no I/O, so the coordinator can call it on the partition's executor.
 */
interface PartitionAssignor {
    String name();

    /**
     * @param subscriptions member id to the ids of the existing topics it subscribes to
     * @param partitionCounts topic id to its number of partitions, for every subscribed topic
     * @param previous the previous target per member (stickiness); members may have left since
     * @return the target of every member in {@code subscriptions}, empty ones included
     */
    Map<String, Map<Uuid, SortedSet<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                     Map<Uuid, Integer> partitionCounts,
                                                     Map<String, Map<Uuid, SortedSet<Integer>>> previous);
}
