package io.sluice.replica;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which replica a consumer should read from (KIP-392), chosen by {@code replica.selector.class}. Sluice
 * loads no class by name (it must stay native-ready): the two selectors Kafka ships are accepted by
 * their Kafka class names and mapped to these implementations; anything else is refused at startup.
 */
public enum ReplicaSelector {
    /** Kafka's default: consumers read from the leader. */
    LEADER("org.apache.kafka.common.replica.LeaderSelector"),
    /** A consumer with a client.rack reads from an in-sync replica in its rack, when the leader is elsewhere. */
    RACK_AWARE("org.apache.kafka.common.replica.RackAwareReplicaSelector");

    public static final String CONFIG = "replica.selector.class";

    private final String kafkaClassName;

    ReplicaSelector(String kafkaClassName) {
        this.kafkaClassName = kafkaClassName;
    }

    /** The selector a replica.selector.class value names; unset means the leader, as in Kafka. */
    public static ReplicaSelector forConfig(String value) {
        if (value == null || value.isBlank()) {
            return LEADER;
        }
        for (ReplicaSelector s : values()) {
            if (s.kafkaClassName.equals(value.trim())) {
                return s;
            }
        }
        throw new ConfigException(CONFIG, value, "must be " + validValues() + " (Sluice loads no other selector class)");
    }

    /** The values replica.selector.class accepts, for messages and the config's documentation. */
    public static String validValues() {
        return "unset, " + LEADER.kafkaClassName + " or " + RACK_AWARE.kafkaClassName;
    }

    /**
     * The replica a consumer in clientRack should read partition from at fetchOffset instead of this leader, if
     * any: a live follower in the ISR whose log reaches the fetch offset, in the client's rack, and only when the
     * leader itself is not in that rack. Among several, the one furthest ahead, then the most recently caught up.
     */
    OptionalInt preferredReadReplica(Partition partition, String clientRack, long fetchOffset, MetadataImage image) {
        if (this != RACK_AWARE || clientRack == null || clientRack.isEmpty() || image == null) {
            return OptionalInt.empty();
        }
        Map<Integer, BrokerImage> brokers = image.brokers();
        int localId = partition.leaderId();
        if (clientRack.equals(rackOf(brokers.get(localId)))) {
            return OptionalInt.empty();
        }
        Partition.LeaderState state = partition.state();
        int best = -1;
        FollowerProgress bestProgress = null;
        for (Map.Entry<Integer, FollowerProgress> e : partition.followers().entrySet()) {
            int id = e.getKey();
            FollowerProgress progress = e.getValue();
            BrokerImage broker = brokers.get(id);
            boolean eligible = state.isr().contains(id) && broker != null && !broker.fenced()
                    && clientRack.equals(broker.rack()) && progress.logEndOffset() >= fetchOffset;
            if (eligible && (bestProgress == null || aheadOf(progress, bestProgress))) {
                best = id;
                bestProgress = progress;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    private static boolean aheadOf(FollowerProgress a, FollowerProgress b) {
        return a.logEndOffset() != b.logEndOffset() ? a.logEndOffset() > b.logEndOffset()
                : a.lastCaughtUpTimeMs() > b.lastCaughtUpTimeMs();
    }

    private static String rackOf(BrokerImage broker) {
        return broker == null ? null : broker.rack();
    }
}
