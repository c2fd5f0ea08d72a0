package io.sluice.coordinator.group;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 consumer group: the group epoch (bumped whenever membership, subscriptions or the
 * subscribed topics change), the epoch of the target assignment computed for it, the target
 * assignment per member, and the members. Only replay changes it, so it always matches the log.
 */
final class ConsumerGroup {
    /** The states Kafka reports for a consumer group in ListGroups and ConsumerGroupDescribe. */
    enum State {
        EMPTY("Empty"), ASSIGNING("Assigning"), RECONCILING("Reconciling"), STABLE("Stable");

        final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }
    }

    final String groupId;
    int groupEpoch;
    int assignmentEpoch;
    /** The assignor that computed the current target, for ConsumerGroupDescribe. */
    String assignorName = "";
    final Map<String, ConsumerMember> members = new TreeMap<>();
    final Map<String, Map<Uuid, SortedSet<Integer>>> target = new HashMap<>();
    /**
     * The subscribed topics and their partition counts when the target was computed; not persisted:
     * after a load the first heartbeat recomputes it, and a difference starts a new epoch.
     */
    Map<String, Integer> subscribedTopics;

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    State state() {
        if (members.isEmpty()) {
            return State.EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return State.ASSIGNING;
        }
        for (ConsumerMember m : members.values()) {
            if (m.current().memberEpoch() != assignmentEpoch || m.current().state() != ConsumerMember.MemberState.STABLE) {
                return State.RECONCILING;
            }
        }
        return State.STABLE;
    }

    /** Whether a member subscribes to the topic, by name or by regex (whether or not the topic exists). */
    boolean subscribesTo(String topic) {
        for (ConsumerMember m : members.values()) {
            ConsumerMember.Subscription s = m.subscription();
            if (s.topicNames().contains(topic) || (s.topicRegex() != null && Pattern.matches(s.topicRegex(), topic))) {
                return true;
            }
        }
        return false;
    }

    ConsumerMember staticMember(String instanceId) {
        for (ConsumerMember m : members.values()) {
            if (instanceId.equals(m.subscription().instanceId())) {
                return m;
            }
        }
        return null;
    }

    Map<Uuid, SortedSet<Integer>> targetOf(String memberId) {
        return target.getOrDefault(memberId, TopicPartitions.EMPTY);
    }

    /** Is this partition still in use (assigned, or not yet confirmed revoked) by a member other than {@code except}? */
    static boolean heldByOther(Iterable<ConsumerMember> members, String except, Uuid topic, int partition) {
        for (ConsumerMember m : members) {
            if (!m.memberId().equals(except) && (TopicPartitions.contains(m.current().assigned(), topic, partition)
                    || TopicPartitions.contains(m.current().pendingRevocation(), topic, partition))) {
                return true;
            }
        }
        return false;
    }
}
