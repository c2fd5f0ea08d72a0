package io.sluice.coordinator.group;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.common.Uuid;

/**
 * One member of a KIP-848 consumer group as the coordinator knows it: what it subscribes to (as the
 * client last said) and where its reconciliation stands. Immutable; a change is a new value written
 * as a record, then replayed.
 */
record ConsumerMember(String memberId, Subscription subscription, Current current) {

    /** What the client declared. Fields the client leaves null in a heartbeat keep their previous value. */
    record Subscription(String instanceId, String rackId, String clientId, String clientHost, int rebalanceTimeoutMs,
                        List<String> topicNames, String topicRegex, String serverAssignor) {
        Subscription {
            topicNames = topicNames == null ? List.of() : List.copyOf(topicNames);
        }
    }

    /**
     * The member's reconciliation: its epoch (and the one before, to forgive a lost response), the
     * partitions it may use now, and those it was asked to give up but has not confirmed yet.
     */
    record Current(int memberEpoch, int previousMemberEpoch, MemberState state,
                   Map<Uuid, SortedSet<Integer>> assigned, Map<Uuid, SortedSet<Integer>> pendingRevocation) {
        static final Current JOINING = new Current(0, -1, MemberState.STABLE, TopicPartitions.EMPTY, TopicPartitions.EMPTY);

        Current {
            assigned = TopicPartitions.copyOf(assigned);
            pendingRevocation = TopicPartitions.copyOf(pendingRevocation);
        }
    }

    /** Where a member's reconciliation towards its target assignment stands (KIP-848's member states). */
    enum MemberState {
        /** It has its whole target at the group's assignment epoch. */
        STABLE,
        /** It must first confirm it stopped using partitions that go to others. */
        UNREVOKED_PARTITIONS,
        /** It is at the new epoch but waits for partitions others still hold. */
        UNRELEASED_PARTITIONS;

        static MemberState of(int code) {
            return values()[code];
        }
    }

    boolean isStatic() {
        return subscription.instanceId() != null;
    }

    ConsumerMember with(Current next) {
        return new ConsumerMember(memberId, subscription, next);
    }
}
