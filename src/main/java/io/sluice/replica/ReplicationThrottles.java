package io.sluice.replica;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's replication throttles (KIP-73), which {@code kafka-reassign-partitions --throttle} sets: the
 * broker's {@code leader.replication.throttled.rate} caps the bytes/s it serves as leader to followers
 * of the replicas a topic's {@code leader.replication.throttled.replicas} lists for this broker, and
 * {@code follower.replication.throttled.rate} the bytes/s it fetches for those its
 * {@code follower.replication.throttled.replicas} lists. Only replicas out of the ISR are throttled, as in
 * Kafka: the throttle slows a reassignment's copying, never the followers that acks=all waits for.
 * Follows the metadata image; the rates are dynamic broker configs (this broker's, else the cluster default).
 */
public final class ReplicationThrottles {
    static final String LEADER_RATE = "leader.replication.throttled.rate";
    static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
    static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";

    private final int nodeId;
    private final ThrottleBucket leader = new ThrottleBucket();
    private final ThrottleBucket follower = new ThrottleBucket();
    private volatile Set<TopicPartition> leaderThrottled = Set.of();
    private volatile Set<TopicPartition> followerThrottled = Set.of();

    ReplicationThrottles(int nodeId) {
        this.nodeId = nodeId;
    }

    void onImage(MetadataImage image) {
        Map<String, String> brokerConfigs = image.brokerConfigs(nodeId);
        leader.rate(rate(brokerConfigs.get(LEADER_RATE)));
        follower.rate(rate(brokerConfigs.get(FOLLOWER_RATE)));
        Set<TopicPartition> leaderSet = new HashSet<>();
        Set<TopicPartition> followerSet = new HashSet<>();
        for (TopicImage topic : image.topics().values()) {
            addThrottled(topic, topic.configs().get(LEADER_REPLICAS), leaderSet);
            addThrottled(topic, topic.configs().get(FOLLOWER_REPLICAS), followerSet);
        }
        leaderThrottled = Set.copyOf(leaderSet);
        followerThrottled = Set.copyOf(followerSet);
    }

    /** The leader-side bucket if serving follower replicaId of partition is throttled here, else null. */
    ThrottleBucket asLeader(Partition partition, int replicaId) {
        return leaderThrottled.contains(partition.topicPartition()) && !partition.state().isr().contains(replicaId)
                ? leader : null;
    }

    /** The follower-side bucket if this broker's fetching of partition is throttled, else null. */
    ThrottleBucket asFollower(Partition partition) {
        return followerThrottled.contains(partition.topicPartition()) && !partition.state().isr().contains(nodeId)
                ? follower : null;
    }

    private static long rate(String value) {
        if (value == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            // The controller validates the value; an unreadable one is no throttle rather than a stuck copy.
            return Long.MAX_VALUE;
        }
    }

    /** "*" throttles every partition of the topic here; "partition:broker" pairs those whose broker is this one. */
    private void addThrottled(TopicImage topic, String list, Set<TopicPartition> out) {
        if (list == null || list.isBlank()) {
            return;
        }
        if (list.trim().equals("*")) {
            topic.partitions().keySet().forEach(p -> out.add(new TopicPartition(topic.name(), p)));
            return;
        }
        for (String entry : list.split(",")) {
            String[] pair = entry.trim().split(":");
            if (pair.length == 2 && pair[1].trim().equals(Integer.toString(nodeId))) {
                try {
                    out.add(new TopicPartition(topic.name(), Integer.parseInt(pair[0].trim())));
                } catch (NumberFormatException e) {
                    // Validated by the controller; a malformed entry throttles nothing.
                }
            }
        }
    }
}
